package graphsim_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestOpenIDConfiguration(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{})
	for _, tenant := range []string{s.srv.TenantID(), "contoso.example"} {
		doc := s.getJSON("/"+tenant+"/v2.0/.well-known/openid-configuration", "", http.StatusOK)
		if got, want := doc["issuer"], s.srv.URL()+"/"+s.srv.TenantID()+"/v2.0"; got != want {
			t.Errorf("issuer: got %v, want %v", got, want)
		}
		if got, want := doc["token_endpoint"], s.srv.URL()+"/"+s.srv.TenantID()+"/oauth2/v2.0/token"; got != want {
			t.Errorf("token_endpoint: got %v, want %v", got, want)
		}
		if doc["authorization_endpoint"] == nil {
			t.Errorf("authorization_endpoint: missing (MSAL requires it)")
		}
	}
	doc := s.getJSON("/11111111-1111-4111-8111-111111111111/v2.0/.well-known/openid-configuration", "", http.StatusBadRequest)
	if doc["error"] != "invalid_tenant" {
		t.Errorf("unknown tenant: got error %v, want invalid_tenant", doc["error"])
	}
	info, err := os.Stat(s.srv.CAFile())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("CA file %s: got %v %v, want mode 0600", s.srv.CAFile(), info, err)
	}
}

func TestTokenEndpoint(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{})
	path := "/" + s.srv.TenantID() + "/oauth2/v2.0/token"
	with := func(k, v string) url.Values {
		f := s.secretForm()
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name      string
		path      string
		form      url.Values
		status    int
		errorCode string
		aadsts    string
	}{
		{"good secret", path, s.secretForm(), 200, "", ""},
		{"good secret, tenant by domain", "/contoso.example/oauth2/v2.0/token", s.secretForm(), 200, "", ""},
		{"bad secret", path, with("client_secret", "nope"), 401, "invalid_client", "AADSTS7000215"},
		{"unknown client", path, with("client_id", "22222222-2222-4222-8222-222222222222"), 400, "unauthorized_client", "AADSTS700016"},
		{"unknown tenant", "/33333333-3333-4333-8333-333333333333/oauth2/v2.0/token", s.secretForm(), 400, "invalid_request", "AADSTS90002"},
		{"scope without /.default", path, with("scope", s.srv.URL()+"/User.Read.All"), 400, "invalid_scope", "AADSTS1002012"},
		{"unknown resource", path, with("scope", "https://management.azure.com/.default"), 400, "invalid_resource", "AADSTS500011"},
		{"wrong grant type", path, with("grant_type", "password"), 400, "unsupported_grant_type", "AADSTS70003"},
		{"no credential", path, with("client_secret", ""), 401, "invalid_client", "AADSTS7000218"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.postForm(tc.path, tc.form)
			if status != tc.status {
				t.Fatalf("status: got %d (%v), want %d", status, body, tc.status)
			}
			if tc.status == 200 {
				checkTokenResponse(t, s, body)
				return
			}
			if body["error"] != tc.errorCode || !strings.HasPrefix(body["error_description"].(string), tc.aadsts+":") {
				t.Errorf("error: got %v %q, want %s %s", body["error"], body["error_description"], tc.errorCode, tc.aadsts)
			}
			if strings.Contains(fmt.Sprint(body), s.srv.ClientSecret()) {
				t.Errorf("error body leaks the client secret")
			}
		})
	}
}

func checkTokenResponse(t *testing.T, s *sim, body map[string]any) {
	t.Helper()
	if body["token_type"] != "Bearer" || body["expires_in"] != 3599.0 || body["ext_expires_in"] != 3599.0 {
		t.Errorf("token response: got %v, want Bearer, 3599, 3599", body)
	}
	parts := strings.Split(body["access_token"].(string), ".")
	if len(parts) != 3 {
		t.Fatalf("access token: got %d parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("access token payload: %v", err)
	}
	var claims struct {
		Aud, Iss, Tid, AppID string
		Roles                []string
		Exp                  int64
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("access token claims: %v", err)
	}
	if claims.Aud != s.srv.URL() || claims.Tid != s.srv.TenantID() || claims.AppID != s.srv.ClientID() || claims.Iss == "" {
		t.Errorf("claims: got %+v, want aud %s, tid %s, appid %s", claims, s.srv.URL(), s.srv.TenantID(), s.srv.ClientID())
	}
	if got, want := strings.Join(claims.Roles, ","), strings.Join(graphsim.DefaultPermissions, ","); got != want {
		t.Errorf("roles: got %s, want %s", got, want)
	}
	if d := time.Until(time.Unix(claims.Exp, 0)); d < 59*time.Minute || d > time.Hour {
		t.Errorf("exp: got %v from now, want about an hour", d)
	}
}

func TestTokenOutage(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{TokenOutage: true})
	path := "/" + s.srv.TenantID() + "/oauth2/v2.0/token"
	if status, body := s.postForm(path, s.secretForm()); status != http.StatusServiceUnavailable || body["error"] != "temporarily_unavailable" {
		t.Errorf("outage: got %d %v, want 503 temporarily_unavailable", status, body["error"])
	}
	s.srv.SetTokenOutage(false)
	if status, _ := s.postForm(path, s.secretForm()); status != http.StatusOK {
		t.Errorf("after outage: got %d, want 200", status)
	}
}

// TestClientCertificate signs a client assertion the way MSAL for Go does
// (PS256, x5t#S256 header, aud = token endpoint, iss = sub = client id).
func TestClientCertificate(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{})
	pemData, err := s.srv.ClientCertificate()
	if err != nil {
		t.Fatalf("ClientCertificate: %v", err)
	}
	cert, key := parseCertKey(t, pemData)
	path := "/" + s.srv.TenantID() + "/oauth2/v2.0/token"
	endpoint := s.srv.URL() + path
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	tests := []struct {
		name   string
		key    *rsa.PrivateKey
		iss    string
		aud    string
		exp    time.Duration
		status int
		aadsts string
	}{
		{"valid assertion", key, s.srv.ClientID(), endpoint, 10 * time.Minute, 200, ""},
		{"signed by another key", other, s.srv.ClientID(), endpoint, 10 * time.Minute, 401, "AADSTS700027"},
		{"other issuer", key, "44444444-4444-4444-8444-444444444444", endpoint, 10 * time.Minute, 401, "AADSTS700021"},
		{"expired", key, s.srv.ClientID(), endpoint, -time.Minute, 401, "AADSTS700024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.srv.ClientID()},
				"scope": {s.srv.URL() + "/.default"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
				"client_assertion": {signAssertion(t, cert, tc.key, tc.iss, tc.aud, tc.exp)}}
			status, body := s.postForm(path, form)
			if status != tc.status {
				t.Fatalf("status: got %d (%v), want %d", status, body, tc.status)
			}
			if tc.aadsts != "" && !strings.HasPrefix(body["error_description"].(string), tc.aadsts) {
				t.Errorf("error: got %q, want %s", body["error_description"], tc.aadsts)
			}
		})
	}
}

func parseCertKey(t *testing.T, data []byte) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	var cert *x509.Certificate
	var key *rsa.PrivateKey
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatalf("parse certificate: %v", err)
			}
			cert = c
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				t.Fatalf("parse key: %v", err)
			}
			key = k.(*rsa.PrivateKey)
		}
	}
	if cert == nil || key == nil {
		t.Fatalf("ClientCertificate PEM: got cert %v key %v, want both", cert != nil, key != nil)
	}
	return cert, key
}

func signAssertion(t *testing.T, cert *x509.Certificate, key *rsa.PrivateKey, iss, aud string, exp time.Duration) string {
	t.Helper()
	thumb := sha256.Sum256(cert.Raw)
	h, _ := json.Marshal(map[string]string{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(thumb[:])})
	now := time.Now()
	c, _ := json.Marshal(map[string]any{"aud": aud, "iss": iss, "sub": iss, "jti": "x",
		"nbf": now.Unix(), "exp": now.Add(exp).Unix()})
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		t.Fatalf("sign assertion: %v", err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}
