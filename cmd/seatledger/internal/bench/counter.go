package bench

import (
	"net/http"
	"sync"
)

// requestCounter counts one tenant's Graph HTTP attempts: what the table
// reports and the pipeline writes into etl_runs.
type requestCounter struct {
	mu        sync.Mutex
	requests  int64
	throttled int64
}

func newRequestCounter() *requestCounter { return &requestCounter{} }

// observe is the graph.Config.Observe hook: called for every attempt.
func (c *requestCounter) observe(_ string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests++
	if status == http.StatusTooManyRequests {
		c.throttled++
	}
}

// totals returns all requests and the throttled ones (the
// pipeline.Tenant.Counter hook).
func (c *requestCounter) totals() (requests, throttled int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.throttled
}
