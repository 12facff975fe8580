package graphsim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP routes Entra ID, Graph v1.0 and report downloads; every answer
// is counted in Stats.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	endpoint := s.dispatch(sw, r, false)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	s.stats.record(endpoint, sw.status)
	s.log.Debug("graphsim request", "method", r.Method, "endpoint", endpoint, "status", sw.status)
}

// dispatch serves one request and names its endpoint. inBatch marks a
// request unpacked from a $batch: it shares the outer request's latency
// and is never itself a batch.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, inBatch bool) string {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/v1.0/"); ok {
		return s.serveGraph(w, r, rest, inBatch)
	}
	if rest, ok := strings.CutPrefix(path, "/beta/"); ok && !inBatch && oldCopilotPath(rest) {
		s.serveOldCopilot(w, r)
		return "copilotReportBeta"
	}
	if rest, ok := strings.CutPrefix(path, "/data/download/"); ok && !inBatch {
		s.serveDownload(w, r, rest)
		return "report-download"
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration":
		s.serveOpenIDConfig(w, r, parts[0])
		return "openid-configuration"
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token":
		s.serveToken(w, r, parts[0])
		return "token"
	case len(parts) == 4 && parts[1] == "discovery" && parts[2] == "v2.0" && parts[3] == "keys":
		s.serveKeys(w, r)
		return "keys"
	}
	http.NotFound(w, r)
	return "unknown"
}

// graphRoute is one Graph operation: its handler and the application
// permissions any one of which allows it.
type graphRoute struct {
	endpoint string
	perms    []string
	serve    func(w http.ResponseWriter, r *http.Request, arg string)
	arg      string
}

var (
	readUsers    = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	writeLicence = []string{"LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"}
	readOrg      = []string{"Organization.Read.All", "Organization.ReadWrite.All", "LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readGroups   = []string{"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readSettings = []string{"ReportSettings.Read.All", "ReportSettings.ReadWrite.All"}
	readReports  = []string{"Reports.Read.All"}
)

// route maps a method and a path below /v1.0/ to an operation; a nil
// route with a Graph error means no such operation.
func (s *Server) route(method, rest string) (*graphRoute, *GraphError) {
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	lower := strings.ToLower(rest)
	var rt *graphRoute
	switch {
	case lower == "users":
		rt = &graphRoute{"users", readUsers, s.serveUsers, ""}
	case isUsersDelta(lower):
		rt = &graphRoute{"usersDelta", readUsers, s.serveUsersDelta, ""}
	case len(segs) == 2 && strings.EqualFold(segs[0], "users"):
		if method == http.MethodPatch {
			return &graphRoute{"updateUser", writeUser, s.patchUser, segs[1]}, nil
		}
		rt = &graphRoute{"user", readUsers, s.serveUser, segs[1]}
	case len(segs) == 3 && strings.EqualFold(segs[0], "users") && (strings.EqualFold(segs[2], "assignLicense") || strings.EqualFold(segs[2], "microsoft.graph.assignLicense")):
		if method != http.MethodPost {
			return nil, methodNotAllowed()
		}
		return &graphRoute{"assignLicense", writeLicence, s.serveAssignLicense, segs[1]}, nil
	case lower == "subscribedskus":
		rt = &graphRoute{"subscribedSkus", readOrg, s.serveSKUs, ""}
	case lower == "directory/subscriptions":
		rt = &graphRoute{"subscriptions", readOrg, s.serveSubscriptions, ""}
	case lower == "groups":
		rt = &graphRoute{"groups", readGroups, s.serveGroups, ""}
	case len(segs) >= 2 && strings.EqualFold(segs[0], "groups"):
		return s.groupRoute(method, segs) // managehttp.go
	case lower == "admin/reportsettings":
		if method == http.MethodPatch {
			return &graphRoute{"reportSettings", []string{"ReportSettings.ReadWrite.All"}, s.patchReportSettings, ""}, nil
		}
		rt = &graphRoute{"reportSettings", readSettings, s.serveReportSettings, ""}
	case strings.HasPrefix(lower, "reports/getoffice365activeuserdetail(") || strings.HasPrefix(lower, "reports/microsoft.graph.getoffice365activeuserdetail("):
		rt = &graphRoute{"report", readReports, s.serveReport, rest[strings.Index(rest, "(")+1:]}
	case lower == "auditlogs/signins":
		rt = &graphRoute{"signIns", readAuditLog, s.serveSignIns, ""}
	case lower == "$batch":
		if method != http.MethodPost {
			return nil, methodNotAllowed()
		}
		return &graphRoute{"batch", nil, s.serveBatch, ""}, nil
	default:
		if rt = s.signalRoute(rest); rt == nil { // signalhttp.go
			return nil, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
				Message: fmt.Sprintf("Resource not found for the segment '%s'.", segs[0])}
		}
	}
	if method != http.MethodGet {
		return nil, methodNotAllowed()
	}
	return rt, nil
}

func methodNotAllowed() *GraphError {
	return &GraphError{Status: http.StatusMethodNotAllowed, Code: "Request_BadRequest",
		Message: "Specified HTTP method is not allowed for the request target."}
}

// serveGraph answers one Graph request: headers, bearer token, faults,
// latency, permission, then the operation.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request, rest string, inBatch bool) string {
	s.graphHeaders(w, r)
	rt, gerr := s.route(r.Method, rest)
	endpoint := "unknown"
	if rt != nil {
		endpoint = rt.endpoint
	}
	claims, err := s.verifyToken(r.Header.Get("Authorization"))
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+s.URL()+`/common/oauth2/authorize", client_id="`+graphAppID+`"`)
		s.graphError(w, r, &GraphError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: err.Error()})
		return endpoint
	}
	if !inBatch && !s.sleep(r.Context(), time.Duration(s.latency.Load())) {
		return endpoint
	}
	if endpoint != "batch" && s.injectFault(w, r) {
		return endpoint
	}
	switch {
	case gerr != nil:
		s.graphError(w, r, gerr)
	case !granted(claims.Roles, rt.perms):
		s.graphError(w, r, &GraphError{Status: http.StatusForbidden, Code: "Authorization_RequestDenied",
			Message: "Insufficient privileges to complete the operation."})
	default:
		rt.serve(w, r.WithContext(withRoles(r.Context(), claims.Roles)), rt.arg)
	}
	return endpoint
}

func granted(roles, allowed []string) bool {
	if allowed == nil {
		return true
	}
	for _, r := range roles {
		for _, p := range allowed {
			if strings.EqualFold(r, p) {
				return true
			}
		}
	}
	return false
}

// injectFault answers the request with a 429 or a 5xx when the knobs say
// so. Decisions depend only on the seed and the request's sequence number.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	if skipFaults(r) {
		return false
	}
	n := s.requests.Add(1) - 1
	retry := strconv.Itoa(int((s.opts.RetryAfter + time.Second - 1) / time.Second))
	if n < int64(s.opts.ThrottleFirst) || unit(s.opts.Seed, n, 1) < s.opts.ThrottleRate {
		w.Header().Set("Retry-After", retry)
		s.graphError(w, r, &GraphError{Status: http.StatusTooManyRequests, Code: "TooManyRequests",
			Message: "Too many requests, please try again later."})
		return true
	}
	if unit(s.opts.Seed, n, 2) < s.opts.ServerErrorRate {
		e := []GraphError{
			{http.StatusServiceUnavailable, "serviceNotAvailable", "The service is temporarily unavailable. Please try again later."},
			{http.StatusInternalServerError, "UnknownError", ""},
			{http.StatusBadGateway, "BadGateway", "The server received an invalid response from an upstream server."},
		}[hash3(s.opts.Seed, uint64(n), 3)%3]
		if e.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retry)
		}
		s.graphError(w, r, &e)
		return true
	}
	return s.injectExtra(w, r, n)
}

func unit(seed, n int64, stream uint64) float64 {
	return float64(hash3(seed, uint64(n), stream+1000)>>11) / (1 << 53)
}

// sleep waits d unless the request is cancelled first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// graphHeaders sets the headers every Graph answer carries.
func (s *Server) graphHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	id := requestID()
	cid := r.Header.Get("client-request-id")
	if cid == "" {
		cid = id
	}
	h.Set("request-id", id)
	h.Set("client-request-id", cid)
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"001","RoleInstance":"AM1PEPF0000GSIM"}}`)
	h.Set("Cache-Control", "no-cache")
	h.Set("OData-Version", "4.0")
	h.Set("Strict-Transport-Security", "max-age=31536000")
}

const odataJSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// graphError writes an error in Graph's shape.
func (s *Server) graphError(w http.ResponseWriter, r *http.Request, e *GraphError) {
	s.log.Debug("graphsim error answer", "status", e.Status, "code", e.Code)
	inner := map[string]string{
		"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
		"request-id":        w.Header().Get("request-id"),
		"client-request-id": w.Header().Get("client-request-id"),
	}
	writeJSON(w, e.Status, "application/json", map[string]any{
		"error": map[string]any{"code": e.Code, "message": e.Message, "innerError": inner}})
}

// graphOK writes a successful Graph JSON body.
func graphOK(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", odataJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client hung up; nothing to do
}

// requestID is a random GUID for request-id headers and traces.
func requestID() string { return guidFrom(rand.Uint64(), rand.Uint64()) }
