package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/seatledger/seatledger/extract"
)

// endpointToken is the Observe and APIError endpoint name of the identity
// platform's token endpoint.
const endpointToken = "token"

// Sentinel errors that callers decide on. Match them with errors.Is: every
// *APIError maps itself onto one of them by status code.
var (
	// ErrUnauthorized means the identity platform refused the credential
	// (wrong secret, expired certificate, unknown tenant or client) or Graph
	// answered 401.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden means Graph answered 403: the app lacks a permission
	// (for example Reports.Read.All) or admin consent, or the tenant a
	// licence (Entra ID P1/P2 for sign-in data). It is extract.ErrForbidden.
	ErrForbidden = extract.ErrForbidden
	// ErrThrottled means Graph still answered 429 after every allowed retry.
	ErrThrottled = errors.New("throttled")
	// ErrNotFound means Graph answered 404.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable means Graph still answered 5xx after every allowed retry.
	ErrUnavailable = errors.New("service unavailable")
	// ErrPagingLoop means an @odata.nextLink repeated an earlier page.
	ErrPagingLoop = errors.New("@odata.nextLink repeats an earlier page")
	// ErrBadResponse means a Graph response could not be decoded.
	ErrBadResponse = errors.New("malformed response")
)

// APIError is an error answer from Graph or from the identity platform,
// decoded from its JSON error body. It never carries the request URL (a
// report download URL is pre-authenticated) nor any user name.
type APIError struct {
	Endpoint  string // low-cardinality endpoint name, as passed to Config.Observe
	Status    int    // HTTP status code
	Code      string // Graph error.code, or the OAuth "error" for the token endpoint
	Message   string // Graph error.message, or the first line of the OAuth error_description
	RequestID string // Graph request-id, or the identity platform's trace id
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Endpoint, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + e.RequestID + ")")
	}
	return b.String()
}

// Is maps the status code onto the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		// The token endpoint answers 400 for an unknown tenant or client
		// and 401 for a wrong secret: both mean "cannot authenticate".
		return e.Status == http.StatusUnauthorized ||
			(e.Endpoint == endpointToken && e.Status == http.StatusBadRequest)
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrThrottled:
		return e.Status == http.StatusTooManyRequests
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrUnavailable:
		return e.Status >= 500
	}
	return false
}

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 64 << 10

// graphErrorBody is Graph's error envelope:
// https://learn.microsoft.com/graph/errors#json-representation
type graphErrorBody struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID string `json:"request-id"`
		} `json:"innerError"`
	} `json:"error"`
	// OAuth 2.0 token endpoint errors (RFC 6749 §5.2) as the identity
	// platform sends them.
	OAuthError string `json:"error_description"`
	TraceID    string `json:"trace_id"`
}

// newAPIError reads (a bounded part of) resp's body and builds the error.
// It does not close the body.
func newAPIError(endpoint string, resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := parseErrorBody(endpoint, resp.StatusCode, body)
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("request-id")
	}
	return e
}

// parseErrorBody decodes either Graph's {"error":{...}} envelope or an
// OAuth {"error":"...","error_description":"..."} body. Anything else
// leaves Code and Message empty (the status still says what happened).
func parseErrorBody(endpoint string, status int, body []byte) *APIError {
	e := &APIError{Endpoint: endpoint, Status: status}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return e
	}
	var oauthCode string
	if json.Unmarshal(raw["error"], &oauthCode) == nil && oauthCode != "" {
		var b graphErrorBody
		_ = json.Unmarshal(body, &b)
		e.Code = oauthCode
		e.Message = firstLine(b.OAuthError)
		e.RequestID = b.TraceID
		return e
	}
	var b graphErrorBody
	if json.Unmarshal(body, &b) == nil {
		e.Code = b.Error.Code
		e.Message = firstLine(b.Error.Message)
		e.RequestID = b.Error.InnerError.RequestID
	}
	return e
}

// firstLine keeps the first line of s, bounded: identity platform
// descriptions append trace ids and timestamps on further lines.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	const max = 300
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.TrimSpace(s)
}

// classifyTokenError turns a credential the identity platform refused
// into an *APIError for endpoint "token" (its Is maps 400/401 to
// ErrUnauthorized and 5xx to ErrUnavailable), keeping the OAuth error code
// and the first line of its description: azidentity's own message spans a
// page of request dump and troubleshooting text.
func classifyTokenError(err error) error {
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		return err
	}
	if afe.RawResponse == nil {
		return fmt.Errorf("%w: %s", ErrUnauthorized, firstLine(afe.Error()))
	}
	body, _ := io.ReadAll(io.LimitReader(afe.RawResponse.Body, maxErrorBody))
	return parseErrorBody(endpointToken, afe.RawResponse.StatusCode, body)
}
