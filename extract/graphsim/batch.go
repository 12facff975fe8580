package graphsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// JSON batching (POST /$batch): up to 20 requests, each run through the
// same handlers in order (which satisfies any dependsOn), each answered
// with its own status, headers and body; the outer answer is 200 even
// when items are throttled (429 with Retry-After inside the item).

const maxBatch = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, _ string) {
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := decodeBody(r, &in); err != nil {
		s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid batch payload format: " + err.Error()})
		return
	}
	for i := range in.Requests {
		if string(in.Requests[i].Body) == "null" { // kiota sends "body": null for GETs
			in.Requests[i].Body = nil
		}
	}
	if gerr := validateBatch(in.Requests); gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	out := make([]batchResponse, 0, len(in.Requests))
	for _, br := range in.Requests {
		out = append(out, s.runBatchItem(r, br))
	}
	body, err := json.Marshal(map[string]any{"responses": out})
	if err != nil {
		s.graphError(w, r, &GraphError{Status: http.StatusInternalServerError, Code: "UnknownError", Message: err.Error()})
		return
	}
	graphOK(w, http.StatusOK, body)
}

func validateBatch(reqs []batchRequest) *GraphError {
	bad := func(format string, args ...any) *GraphError {
		return &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case len(reqs) == 0:
		return bad("Invalid batch payload format: the batch contains no requests.")
	case len(reqs) > maxBatch:
		return bad("Number of batch requests (%d) exceeds the limit of %d.", len(reqs), maxBatch)
	}
	seen := map[string]bool{}
	for n, br := range reqs {
		switch {
		case br.ID == "":
			return bad("Request %d of the batch has no id.", n+1)
		case seen[br.ID]:
			return bad("Request id %s is duplicated in the batch.", br.ID)
		case br.Method == "" || br.URL == "":
			return bad("Request id %s must have a method and a url.", br.ID)
		case len(br.Body) > 0 && headerValue(br.Headers, "Content-Type") == "":
			return bad("Write request id : %s does not contain Content-Type header or body.", br.ID)
		}
		seen[br.ID] = true
	}
	return nil
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// runBatchItem executes one batch request against the Graph handlers,
// with the outer request's credentials.
func (s *Server) runBatchItem(outer *http.Request, br batchRequest) batchResponse {
	rel := strings.TrimPrefix(br.URL, "/")
	if strings.HasPrefix(strings.ToLower(rel), "http") || strings.HasPrefix(strings.ToLower(rel), "v1.0/") {
		return batchItemError(br.ID, http.StatusBadRequest, "BadRequest", "Batch request urls must be relative to the version root, e.g. /users.")
	}
	req, err := http.NewRequestWithContext(outer.Context(), strings.ToUpper(br.Method), s.URL()+"/v1.0/"+rel, bytes.NewReader(br.Body))
	if err != nil {
		return batchItemError(br.ID, http.StatusBadRequest, "BadRequest", "Invalid request url: "+err.Error())
	}
	for k, v := range br.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", outer.Header.Get("Authorization"))
	rec := &recorder{header: http.Header{}}
	endpoint := s.dispatch(rec, req, true)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.stats.record(endpoint, rec.status)
	out := batchResponse{ID: br.ID, Status: rec.status, Headers: map[string]string{}}
	for k, v := range rec.header {
		if k != "Content-Length" {
			out.Headers[k] = strings.Join(v, ", ")
		}
	}
	switch {
	case rec.body.Len() == 0:
	case json.Valid(rec.body.Bytes()):
		out.Body = rec.body.Bytes()
	default: // non-JSON bodies travel base64-encoded, as in Graph
		out.Body = json.RawMessage(strconv.Quote(base64.StdEncoding.EncodeToString(rec.body.Bytes())))
	}
	return out
}

func batchItemError(id string, status int, code, msg string) batchResponse {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg}}) // plain strings always encode
	return batchResponse{ID: id, Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
}

// recorder captures one batch item's answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
