package graph

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// Retry timing. retryBase is a variable so that tests can shorten the
// backoff; nothing else writes it.
var retryBase = time.Second

const (
	maxRetryWait  = 60 * time.Second // cap of one wait, Retry-After included
	maxRedirects  = 5
	headerTimeout = 2 * time.Minute
)

// sdkVersion is the msgraph-sdk-go version announced in SdkVersion
// (go.mod pins it).
const sdkVersion = "1.89.0"

// callOption rides on a kiota request (as a RequestOption the adapter puts
// into the request context) to tell the middleware which endpoint it is
// and whether the body is streamed.
type callOption struct {
	endpoint string
	stream   bool // do not buffer the body (the usage report)
}

var callOptionKey = abs.RequestOptionKey{Key: "seatledger.graph.call"}

// GetKey implements abs.RequestOption.
func (o *callOption) GetKey() abs.RequestOptionKey { return callOptionKey }

func callFrom(ctx context.Context) *callOption {
	if o, ok := ctx.Value(callOptionKey).(*callOption); ok {
		return o
	}
	return &callOption{endpoint: "other"}
}

// baseTransport is an http.Transport that trusts roots (nil = system).
func baseTransport(roots *tls.Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = roots
	t.ResponseHeaderTimeout = headerTimeout
	return t
}

func tlsConfig(cfg Config) *tls.Config {
	return &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

// newHTTPClient builds the Graph HTTP client: the SDK's telemetry handler
// and kiota's name-decoding and user-agent handlers around our own retry,
// redirect and observe middleware. Ours replace kiota's RetryHandler (which
// retries neither network errors nor truncated bodies, and waits 3 s+ per
// retry without a Retry-After) and RedirectHandler (which forwards the
// Authorization header to a same-host redirect; the report's download URL
// is pre-authenticated and must never see the token). Order matters:
// observe is innermost so that it sees every attempt and every hop.
func newHTTPClient(cfg Config, logger *slog.Logger) *http.Client {
	opts := core.GraphClientOptions{GraphServiceLibraryVersion: sdkVersion}
	mws := []khttp.Middleware{
		core.NewGraphTelemetryHandler(&opts),
		&retryMiddleware{max: cfg.MaxRetries, logger: logger},
		redirectMiddleware{},
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandler(),
		observeMiddleware{observe: cfg.Observe},
	}
	return &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(baseTransport(tlsConfig(cfg)), mws...),
		// The pipeline follows redirects itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// observeMiddleware reports every attempt to Config.Observe.
type observeMiddleware struct{ observe func(string, int) }

// Intercept implements khttp.Middleware.
func (m observeMiddleware) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	resp, err := p.Next(req, i)
	if m.observe != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		m.observe(callFrom(req.Context()).endpoint, status)
	}
	return resp, err
}

// redirectMiddleware follows 301/302/303/307/308 up to maxRedirects hops,
// always without the Authorization header: Graph redirects only to
// pre-authenticated download URLs (reports, content), see
// https://learn.microsoft.com/graph/api/reportroot-getoffice365activeuserdetail#response
type redirectMiddleware struct{}

// Intercept implements khttp.Middleware.
func (redirectMiddleware) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	for hop := 0; ; hop++ {
		resp, err := p.Next(req, i)
		if err == nil && hop > 0 && refusedDownload(resp.StatusCode) {
			status := resp.StatusCode
			drain(resp)
			return nil, fmt.Errorf("%w: HTTP %d", ErrDownloadRefused, status)
		}
		if err != nil || !isRedirect(resp.StatusCode) || resp.Header.Get("Location") == "" {
			return resp, err
		}
		if hop == maxRedirects {
			drain(resp)
			return nil, fmt.Errorf("more than %d redirects", maxRedirects)
		}
		target, err := req.URL.Parse(resp.Header.Get("Location"))
		drain(resp)
		if err != nil {
			return nil, fmt.Errorf("redirect: bad Location: %w", err)
		}
		if target.Scheme != "https" {
			return nil, fmt.Errorf("redirect: refusing non-https location scheme %q", target.Scheme)
		}
		next := req.Clone(req.Context())
		next.URL, next.Host = target, target.Host
		next.Header.Del("Authorization")
		next.Method, next.Body, next.GetBody, next.ContentLength = http.MethodGet, nil, nil, 0
		next.Header.Del("Content-Type")
		req = next
	}
}

// ErrDownloadRefused means the pre-authenticated URL that Graph redirected
// to answered 403, 404 or 410: the link expired (an Azure Blob SAS URL
// past its expiry answers 403 AuthenticationFailed, see
// https://learn.microsoft.com/rest/api/storageservices/create-service-sas)
// or was revoked. It is returned as a transport error so that the retry
// middleware asks Graph again, which issues a fresh link.
var ErrDownloadRefused = errors.New("download link refused (expired or revoked)")

func refusedDownload(status int) bool {
	return status == http.StatusForbidden || status == http.StatusNotFound || status == http.StatusGone
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// drain discards and closes a response body so the connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

// retryMiddleware retries 429, 500, 502, 503 and 504 answers, network
// errors and (for buffered GETs) truncated bodies, at most max times,
// honouring Retry-After up to maxRetryWait and the request context.
// Graph guidance: https://learn.microsoft.com/graph/throttling
type retryMiddleware struct {
	max    int
	logger *slog.Logger
}

// Intercept implements khttp.Middleware.
func (m *retryMiddleware) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	call := callFrom(req.Context())
	for attempt := 0; ; attempt++ {
		resp, err := p.Next(req, i)
		if err == nil && !call.stream && req.Method == http.MethodGet && resp.StatusCode < 300 {
			err = bufferBody(resp)
		}
		if attempt >= m.max || !retriable(req, resp, err) {
			return resp, err
		}
		wait := retryWait(resp, attempt)
		status := 0
		if resp != nil {
			status = resp.StatusCode
			drain(resp)
		}
		m.logger.LogAttrs(req.Context(), slog.LevelWarn, "graph request retry",
			slog.String("endpoint", call.endpoint), slog.Int("status", status),
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.Any("error", withoutURL(err)))
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// bufferBody reads the whole body so that a truncated one is retried; the
// body is replaced by a *bufferedBody.
func bufferBody(resp *http.Response) error {
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read response body: %w", err)
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(data), data: data}
	return nil
}

// bufferedBody is a body already in memory; data saves a copy.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

// Close implements io.Closer.
func (*bufferedBody) Close() error { return nil }

func retriable(req *http.Request, resp *http.Response, err error) bool {
	if req.Context().Err() != nil {
		return false
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	if err != nil {
		return req.Method == http.MethodGet
	}
	switch resp.StatusCode {
	case 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// retryWait is Retry-After (seconds or an HTTP date) when given, else an
// exponential backoff with jitter; both capped at maxRetryWait.
func retryWait(resp *http.Response, attempt int) time.Duration {
	var wait time.Duration
	if ra := headerOf(resp, "Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil && secs >= 0 {
			wait = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			wait = time.Until(t)
		}
	}
	if wait <= 0 {
		backoff := retryBase << min(attempt, 10)
		wait = backoff/2 + rand.N(backoff/2+1)
	}
	return min(wait, maxRetryWait)
}

func headerOf(resp *http.Response, name string) string {
	if resp == nil {
		return ""
	}
	return resp.Header.Get(name)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rewind returns req ready to be sent again.
func rewind(req *http.Request) (*http.Request, error) {
	if req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("rewind request body: %w", err)
	}
	next := req.Clone(req.Context())
	next.Body = body
	return next, nil
}

// sameHost reports whether link is an https URL on the Graph host, so
// that a nextLink never carries the token elsewhere.
func sameHost(link string, graph *url.URL) error {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("parse @odata.nextLink: %w", err)
	}
	if u.Scheme != "https" || u.Host != graph.Host {
		return fmt.Errorf("%w: @odata.nextLink leaves the Graph endpoint (host %q)", ErrBadResponse, u.Host)
	}
	return nil
}

var errNoResponse = errors.New("no response")

// withoutURL drops the request URL from a transport error (*url.Error
// prints it whole): a delta link, a page's skiptoken or a report
// download URL is a capability and must not reach a log.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
