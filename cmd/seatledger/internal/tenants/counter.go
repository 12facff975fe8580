package tenants

import (
	"net/http"
	"sync"
)

// RequestCounter counts Graph HTTP attempts by endpoint and status for one
// tenant and run; the totals go into etl_runs. Under serve, every attempt
// is also forwarded to the Prometheus counters (see ForwardTo).
type RequestCounter struct {
	also      func(endpoint string, status int)
	mu        sync.Mutex
	byKey     map[requestKey]int64
	requests  int64
	throttled int64
}

type requestKey struct {
	endpoint string
	status   int
}

// NewRequestCounter returns a counter at zero.
func NewRequestCounter() *RequestCounter {
	return &RequestCounter{byKey: map[requestKey]int64{}}
}

// ForwardTo makes the counter also pass every attempt to f (which must be
// safe for concurrent use), and returns the counter.
func (c *RequestCounter) ForwardTo(f func(endpoint string, status int)) *RequestCounter {
	c.also = f
	return c
}

// Observe is the graph.Config.Observe hook: called for every attempt.
func (c *RequestCounter) Observe(endpoint string, status int) {
	if c.also != nil {
		c.also(endpoint, status)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byKey[requestKey{endpoint, status}]++
	c.requests++
	if status == http.StatusTooManyRequests {
		c.throttled++
	}
}

// Totals returns all requests and the throttled ones (the
// pipeline.Tenant.Counter hook).
func (c *RequestCounter) Totals() (requests, throttled int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.throttled
}
