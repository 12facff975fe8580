package graph_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"net/http"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graph"
)

// resetConn closes the connection without an answer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// truncate promises a long body, sends a part and drops the connection.
func truncate(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "5000")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, `{"value":[{"id":"11111111-2222-3333-4444-555555555555","displayName":"E5 us`)
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		hook       func(n int, w http.ResponseWriter) bool // true = answered
		want       error                                   // nil = success
		observed   string                                  // Observe("groups") statuses
		code       string                                  // APIError.Code when want is set
	}{
		{"connection reset then success", 0, func(n int, w http.ResponseWriter) bool {
			if n == 1 {
				resetConn(w)
			}
			return n == 1
		}, nil, "[0 200]", ""},
		{"truncated body then success", 0, func(n int, w http.ResponseWriter) bool {
			if n == 1 {
				truncate(w)
			}
			return false
		}, nil, "[200 200]", ""},
		{"500, 502, 504 then success", 0, func(n int, w http.ResponseWriter) bool {
			if n <= 3 {
				graphtest.WriteGraphError(w, []int{500, 502, 504}[n-1], "generalException", "oops")
			}
			return n <= 3
		}, nil, "[500 502 504 200]", ""},
		{"throttled past MaxRetries", 2, func(_ int, w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "0")
			graphtest.WriteGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "slow down")
			return true
		}, graph.ErrThrottled, "[429 429 429]", "TooManyRequests"},
		{"unavailable past MaxRetries", 1, func(_ int, w http.ResponseWriter) bool {
			graphtest.WriteGraphError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "down")
			return true
		}, graph.ErrUnavailable, "[503 503]", "serviceNotAvailable"},
		{"forbidden is not retried", 0, func(_ int, w http.ResponseWriter) bool {
			graphtest.WriteGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return true
		}, graph.ErrForbidden, "[403]", "Authorization_RequestDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			f.Hook = func(p string, n int, w http.ResponseWriter, _ *http.Request) bool {
				if p != "/groups" {
					return false
				}
				return tt.hook(n, w)
			}
			obs := &observer{}
			c := newClientWith(t, f, obs, func(cfg *graph.Config) { cfg.MaxRetries = tt.maxRetries })
			groups, err := c.Groups(context.Background())
			if tt.want == nil {
				if err != nil || len(groups) != 1 {
					t.Fatalf("got %d groups, error %v, want 1 group", len(groups), err)
				}
			} else {
				var api *graph.APIError
				if !errors.Is(err, tt.want) || !errors.As(err, &api) || api.Code != tt.code || api.RequestID == "" || api.Endpoint != "groups" {
					t.Fatalf("got %v, want %v with code %s, a request id and endpoint groups", err, tt.want, tt.code)
				}
			}
			if got := fmt.Sprint(obs.get("groups")); got != tt.observed {
				t.Errorf("Observe(groups): got %s, want %s", got, tt.observed)
			}
		})
	}
}

func TestRetryAfterRespectsContext(t *testing.T) {
	f := graphtest.New(t)
	f.Hook = func(p string, _ int, w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Retry-After", "30")
		graphtest.WriteGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "slow down")
		return true
	}
	c := newClientWith(t, f, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.SubscribedSKUs(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
}

func TestCallbackErrorStopsPaging(t *testing.T) {
	f := graphtest.New(t)
	obs := &observer{}
	c := newClientWith(t, f, obs, nil)
	stop := errors.New("stop")
	err := c.Users(context.Background(), func([]extractUser) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("got %v, want the callback's error", err)
	}
}
