package graphsim_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// fixedNow keeps generated tenants identical across runs.
var fixedNow = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

// sim is a running simulator with a client that trusts its CA.
type sim struct {
	t      testing.TB
	tenant *graphsim.Tenant
	srv    *graphsim.Server
	client *http.Client
}

func startSim(t testing.TB, users int, opts graphsim.ServerOptions) *sim {
	t.Helper()
	return serveTenant(t, graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 42, Now: fixedNow}), opts)
}

// serveTenant starts a simulator for tenant (its CA in a temporary
// directory unless opts says otherwise).
func serveTenant(t testing.TB, tenant *graphsim.Tenant, opts graphsim.ServerOptions) *sim {
	t.Helper()
	if opts.Dir == "" && opts.CADir == "" {
		opts.Dir = t.TempDir()
	}
	srv, err := graphsim.NewServer(tenant, opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}, ForceAttemptHTTP2: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(tr.CloseIdleConnections)
	return &sim{t: t, tenant: tenant, srv: srv, client: client}
}

// postForm posts a token request and returns status and decoded body.
func (s *sim) postForm(path string, form url.Values) (int, map[string]any) {
	s.t.Helper()
	resp, err := s.client.PostForm(s.srv.URL()+path, form)
	if err != nil {
		s.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		s.t.Fatalf("POST %s: decode: %v", path, err)
	}
	return resp.StatusCode, body
}

func (s *sim) secretForm() url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {s.srv.ClientID()},
		"client_secret": {s.srv.ClientSecret()}, "scope": {s.srv.URL() + "/.default openid offline_access profile"},
		"client_info": {"1"}}
}

// token gets an access token with the client secret.
func (s *sim) token() string {
	s.t.Helper()
	status, body := s.postForm("/"+s.srv.TenantID()+"/oauth2/v2.0/token", s.secretForm())
	if status != http.StatusOK {
		s.t.Fatalf("token: got status %d (%v), want 200", status, body)
	}
	return body["access_token"].(string)
}

// do sends a Graph request with the bearer token and returns the response
// with its body read.
func (s *sim) do(method, path, token string, body any) (*http.Response, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	target := path
	if !strings.HasPrefix(path, "https://") {
		target = s.srv.URL() + path
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		s.t.Fatalf("new request %s: %v", path, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, data
}

// getJSON does a GET that must answer want, and decodes the body.
func (s *sim) getJSON(path, token string, want int) map[string]any {
	s.t.Helper()
	resp, data := s.do(http.MethodGet, path, token, nil)
	if resp.StatusCode != want {
		s.t.Fatalf("GET %s: got status %d (%s), want %d", path, resp.StatusCode, data, want)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		s.t.Fatalf("GET %s: decode %q: %v", path, data, err)
	}
	return out
}

// errorCode extracts error.code from a Graph error body.
func errorCode(t *testing.T, data []byte) string {
	t.Helper()
	var e struct {
		Error struct {
			Code       string         `json:"code"`
			Message    string         `json:"message"`
			InnerError map[string]any `json:"innerError"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("decode Graph error %q: %v", data, err)
	}
	if e.Error.InnerError["request-id"] == nil || e.Error.InnerError["date"] == nil {
		t.Errorf("Graph error %s: innerError lacks date or request-id", data)
	}
	return e.Error.Code
}
