package main

import (
	"net/http"
	"sync"
)

// requestCounter counts Graph HTTP attempts by endpoint and status for one
// tenant; the totals go into etl_runs and, later, the Prometheus metrics.
type requestCounter struct {
	mu        sync.Mutex
	byKey     map[requestKey]int64
	requests  int64
	throttled int64
}

type requestKey struct {
	endpoint string
	status   int
}

func newRequestCounter() *requestCounter {
	return &requestCounter{byKey: map[requestKey]int64{}}
}

// observe is the graph.Config.Observe hook: called for every attempt.
func (c *requestCounter) observe(endpoint string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byKey[requestKey{endpoint, status}]++
	c.requests++
	if status == http.StatusTooManyRequests {
		c.throttled++
	}
}

// totals returns all requests and the throttled ones.
func (c *requestCounter) totals() (requests, throttled int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.throttled
}
