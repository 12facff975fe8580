package graphsim

import (
	"net/http"
	"sort"
	"sync"
)

// Stats counts the requests a server answered.
type Stats struct {
	// Requests counts answers per endpoint and HTTP status. Endpoints:
	// openid-configuration, keys, token, users, user, updateUser,
	// assignLicense, subscribedSkus, subscriptions, groups, group,
	// groupAssignLicense, addMember, removeMember, reportSettings, report,
	// copilotReport, copilotReportBeta (the former path), appsReport,
	// activationsReport, mailboxReport, signIns, report-download, batch,
	// unknown (users with signInActivity count as users or user).
	// Requests inside a $batch count under their own endpoint too.
	Requests map[string]map[int]int64
	// Throttled counts 429 answers, batch items included.
	Throttled int64
}

// Count returns the answers of endpoint with status.
func (s Stats) Count(endpoint string, status int) int64 { return s.Requests[endpoint][status] }

// Total returns all answers of endpoint.
func (s Stats) Total(endpoint string) int64 {
	var n int64
	for _, c := range s.Requests[endpoint] {
		n += c
	}
	return n
}

// Endpoints lists the endpoints seen, sorted.
func (s Stats) Endpoints() []string {
	out := make([]string, 0, len(s.Requests))
	for e := range s.Requests {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

type statsRecorder struct {
	mu        sync.Mutex
	requests  map[string]map[int]int64
	throttled int64
}

func newStatsRecorder() statsRecorder {
	return statsRecorder{requests: map[string]map[int]int64{}}
}

func (r *statsRecorder) record(endpoint string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.requests[endpoint]
	if m == nil {
		m = map[int]int64{}
		r.requests[endpoint] = m
	}
	m[status]++
	if status == http.StatusTooManyRequests {
		r.throttled++
	}
}

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := Stats{Requests: map[string]map[int]int64{}, Throttled: s.stats.throttled}
	for e, m := range s.stats.requests {
		c := map[int]int64{}
		for k, v := range m {
			c[k] = v
		}
		out.Requests[e] = c
	}
	return out
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets streamed downloads reach the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
