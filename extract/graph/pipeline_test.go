package graph

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryWait(t *testing.T) {
	defer SetRetryBase(time.Second)()
	tests := []struct {
		name       string
		retryAfter string
		attempt    int
		min, max   time.Duration
	}{
		{"seconds", "7", 0, 7 * time.Second, 7 * time.Second},
		{"capped", "3600", 0, maxRetryWait, maxRetryWait},
		{"http date", time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 0, maxRetryWait, maxRetryWait},
		{"past date falls back to backoff", "Mon, 02 Jan 2006 15:04:05 GMT", 0, 500 * time.Millisecond, time.Second},
		{"garbage falls back to backoff", "soon", 2, 2 * time.Second, 4 * time.Second},
		{"backoff capped", "", 12, maxRetryWait, maxRetryWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{Header: http.Header{}}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			got := retryWait(resp, tt.attempt)
			if got < tt.min || got > tt.max {
				t.Errorf("got %v, want between %v and %v", got, tt.min, tt.max)
			}
		})
	}
}

func TestParseTokenClaims(t *testing.T) {
	tests := []struct {
		name, jwt, roles string
		wantErr          bool
	}{
		{"v1 token", "e30.eyJyb2xlcyI6WyJVc2VyLlJlYWQuQWxsIl0sImFwcGlkIjoiYSIsImV4cCI6MX0.c2ln", "User.Read.All", false},
		{"not a jwt", "opaque", "", true},
		{"bad base64", "e30.!!!.c2ln", "", true},
		{"not json", "e30.bm90IGpzb24.c2ln", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := parseTokenClaims(tt.jwt)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got := len(info.Roles); tt.roles != "" && (got != 1 || info.Roles[0] != tt.roles || info.AppID != "a" || info.ExpiresOn.Unix() != 1) {
				t.Errorf("got %+v, want roles %s, appid a, exp 1", info, tt.roles)
			}
		})
	}
}
