package graphsim_test

import (
	"net/http"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestThrottling(t *testing.T) {
	tests := []struct {
		name       string
		opts       graphsim.ServerOptions
		requests   int
		want429    int64
		retryAfter string
	}{
		{"first two", graphsim.ServerOptions{ThrottleFirst: 2, RetryAfter: 2e9}, 5, 2, "2"},
		{"all", graphsim.ServerOptions{ThrottleRate: 1}, 4, 4, "1"},
		{"none", graphsim.ServerOptions{}, 4, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, 5, tc.opts)
			tok := s.token()
			for i := 0; i < tc.requests; i++ {
				resp, data := s.do(http.MethodGet, "/v1.0/subscribedSkus", tok, nil)
				if resp.StatusCode == http.StatusTooManyRequests {
					if got := resp.Header.Get("Retry-After"); got != tc.retryAfter {
						t.Errorf("Retry-After: got %q, want %q", got, tc.retryAfter)
					}
					if code := errorCode(t, data); code != "TooManyRequests" {
						t.Errorf("429 code: got %s, want TooManyRequests", code)
					}
				}
			}
			st := s.srv.Stats()
			if st.Throttled != tc.want429 || st.Count("subscribedSkus", 429) != tc.want429 {
				t.Errorf("throttled: got %d (%v), want %d", st.Throttled, st.Requests, tc.want429)
			}
			if got := st.Total("subscribedSkus"); got != int64(tc.requests) {
				t.Errorf("subscribedSkus requests: got %d, want %d", got, tc.requests)
			}
			if st.Count("token", 200) != 1 {
				t.Errorf("token requests: got %v, want one 200", st.Requests["token"])
			}
		})
	}
}

// TestThrottleRateIsDeterministic: the same seed throttles the same
// request numbers.
func TestThrottleRateIsDeterministic(t *testing.T) {
	pattern := func() []int {
		s := startSim(t, 5, graphsim.ServerOptions{ThrottleRate: 0.3, Seed: 9})
		tok := s.token()
		var out []int
		for i := 0; i < 20; i++ {
			resp, _ := s.do(http.MethodGet, "/v1.0/admin/reportSettings", tok, nil)
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, b := pattern(), pattern()
	n429 := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: got %d then %d, want the same answer for the same seed", i, a[i], b[i])
		}
		if a[i] == 429 {
			n429++
		}
	}
	if n429 == 0 || n429 == len(a) {
		t.Errorf("got %d of %d throttled at rate 0.3, want some but not all", n429, len(a))
	}
}

func TestServerErrors(t *testing.T) {
	s := startSim(t, 5, graphsim.ServerOptions{ServerErrorRate: 1})
	tok := s.token()
	seen := map[int]bool{}
	for i := 0; i < 12; i++ {
		resp, data := s.do(http.MethodGet, "/v1.0/users", tok, nil)
		if resp.StatusCode < 500 {
			t.Fatalf("got %d, want a 5xx", resp.StatusCode)
		}
		errorCode(t, data)
		seen[resp.StatusCode] = true
	}
	if len(seen) < 2 {
		t.Errorf("statuses: got %v, want a mix of 500, 502 and 503", seen)
	}
}

func TestNewServerRejectsBadOptions(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1, Now: fixedNow})
	tests := []struct {
		name string
		opts graphsim.ServerOptions
	}{
		{"throttle rate above 1", graphsim.ServerOptions{ThrottleRate: 1.5}},
		{"negative error rate", graphsim.ServerOptions{ServerErrorRate: -0.1}},
		{"page size 1000", graphsim.ServerOptions{PageSize: 1000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir = t.TempDir()
			if _, err := graphsim.NewServer(tn, tc.opts); err == nil {
				t.Errorf("NewServer(%+v): got nil error, want one", tc.opts)
			}
		})
	}
}
