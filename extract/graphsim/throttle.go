package graphsim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The identity-and-access reports' throttle: listing users with
// signInActivity and reading the sign-in log count against one limit of
// "5 requests per 10 seconds" per app per tenant
// (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits).
// The simulator has one app and one tenant, so one sliding window per
// server; throttled requests do not count.

// Graph's documented limit.
const (
	defaultSignInThrottle       = 5
	defaultSignInThrottleWindow = 10 * time.Second
)

// windowLimiter admits at most limit requests per sliding window.
type windowLimiter struct {
	mu     sync.Mutex
	limit  int // <= 0: no limit
	window time.Duration
	times  []time.Time // admitted requests still in the window, oldest first
}

// admit records a request at now, or returns how long until one would be
// admitted.
func (l *windowLimiter) admit(now time.Time) (time.Duration, bool) {
	if l.limit <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := 0
	for k < len(l.times) && !l.times[k].Add(l.window).After(now) {
		k++
	}
	l.times = append(l.times[:0], l.times[k:]...)
	if len(l.times) >= l.limit {
		return l.times[0].Add(l.window).Sub(now), false
	}
	l.times = append(l.times, now)
	return 0, true
}

// admitReport applies the throttle to a request of the identity-and-access
// reports; over the limit it answers 429 with Retry-After (whole seconds
// until the window admits one again) and Graph's documented body, and
// returns false.
func (s *Server) admitReport(w http.ResponseWriter, r *http.Request) bool {
	wait, ok := s.reportLimit.admit(time.Now())
	if ok {
		return true
	}
	s.faults.reportThrottled.Add(1)
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	inner := map[string]string{
		"code": "429", "status": "429", "message": "Please retry after",
		"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
		"request-id":        w.Header().Get("request-id"),
		"client-request-id": w.Header().Get("client-request-id"),
	}
	writeJSON(w, http.StatusTooManyRequests, "application/json", map[string]any{
		"error": map[string]any{"code": "TooManyRequests", "message": "Please retry again later.", "innerError": inner}})
	return false
}

// signInSummary says how the sign-in datasets are served, for Run.
func (s *Server) signInSummary() string {
	out := "Entra ID P1/P2, AuditLog.Read.All needed"
	if !s.tenant.EntraPremium() {
		out = "no Entra ID P1/P2 (403)"
	}
	if s.opts.SignInThrottle < 0 {
		return out + ", no throttle"
	}
	return fmt.Sprintf("%s, throttled to %d requests per %s", out, s.opts.SignInThrottle, s.opts.SignInThrottleWindow)
}
