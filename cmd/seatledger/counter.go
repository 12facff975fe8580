package main

import (
	"net/http"
	"sync"
)

// requestCounter counts Graph HTTP attempts by endpoint and status for one
// tenant and run; the totals go into etl_runs. Under serve, every attempt
// is also forwarded to the Prometheus counters (see forwardTo).
type requestCounter struct {
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

func newRequestCounter() *requestCounter {
	return &requestCounter{byKey: map[requestKey]int64{}}
}

// forwardTo makes the counter also pass every attempt to f (which must be
// safe for concurrent use), and returns the counter.
func (c *requestCounter) forwardTo(f func(endpoint string, status int)) *requestCounter {
	c.also = f
	return c
}

// observe is the graph.Config.Observe hook: called for every attempt.
func (c *requestCounter) observe(endpoint string, status int) {
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

// totals returns all requests and the throttled ones.
func (c *requestCounter) totals() (requests, throttled int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.throttled
}
