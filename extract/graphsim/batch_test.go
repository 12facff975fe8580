package graphsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

type batchResp struct {
	Responses []struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"responses"`
}

func batchOf(n int, url func(i int) string) map[string]any {
	reqs := make([]map[string]any, n)
	for i := range reqs {
		reqs[i] = map[string]any{"id": fmt.Sprint(i + 1), "method": "GET", "url": url(i)}
	}
	return map[string]any{"requests": reqs}
}

func TestBatch(t *testing.T) {
	s := startSim(t, 30, graphsim.ServerOptions{})
	tok := s.token()
	userURL := func(i int) string {
		if i%2 == 0 {
			return "/users/" + s.tenant.User(i).ID + "?$select=id"
		}
		return "users/" + s.tenant.User(i).ID + "?$select=id"
	}
	resp, data := s.do(http.MethodPost, "/v1.0/$batch", tok, batchOf(20, userURL))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("batch of 20: got %d %s, want 200", resp.StatusCode, data)
	}
	var out batchResp
	if err := json.Unmarshal(data, &out); err != nil || len(out.Responses) != 20 {
		t.Fatalf("batch of 20: got %d responses (%v), want 20", len(out.Responses), err)
	}
	for i, r := range out.Responses {
		var u struct{ ID string }
		if err := json.Unmarshal(r.Body, &u); err != nil || r.Status != 200 || u.ID != s.tenant.User(i).ID {
			t.Errorf("item %s: got %d %s, want 200 with id %s", r.ID, r.Status, r.Body, s.tenant.User(i).ID)
		}
	}
	resp, data = s.do(http.MethodPost, "/v1.0/$batch", tok, batchOf(21, userURL))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("batch of 21: got %d %s, want 400", resp.StatusCode, data)
	}
}

func TestBatchInnerThrottle(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{ThrottleFirst: 2, RetryAfter: 3e9})
	tok := s.token()
	resp, data := s.do(http.MethodPost, "/v1.0/$batch", tok, batchOf(3, func(int) string { return "/subscribedSkus" }))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("outer: got %d %s, want 200", resp.StatusCode, data)
	}
	var out batchResp
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	for i, want := range []int{429, 429, 200} {
		r := out.Responses[i]
		if r.Status != want {
			t.Errorf("item %s: got %d, want %d", r.ID, r.Status, want)
		}
		if want == 429 && r.Headers["Retry-After"] != "3" {
			t.Errorf("item %s: Retry-After got %q, want 3", r.ID, r.Headers["Retry-After"])
		}
	}
	if got := s.srv.Stats().Throttled; got != 2 {
		t.Errorf("Stats().Throttled: got %d, want 2", got)
	}
}
