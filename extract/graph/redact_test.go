package graph_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract/graph"
)

func TestAuthNeverPrintsSecrets(t *testing.T) {
	const canary = "canary-7f3c9e2a"
	cfg := graph.Config{TenantID: "t", Auth: graph.Auth{
		Method: graph.AuthClientSecret, ClientSecret: canary,
		CertificatePEM: []byte("-----BEGIN " + canary), CertificatePassword: canary,
	}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{cfg, &cfg, cfg.Auth, &cfg.Auth} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, canary) {
				t.Errorf("fmt %s of %T: got %q, want the secret redacted", verb, v, got)
			} else if !strings.Contains(got, "<secret>") && verb != "%#v" {
				t.Errorf("fmt %s of %T: got %q, want <secret> in place of the secret", verb, v, got)
			}
		}
	}
}

func TestWithoutURL(t *testing.T) {
	const token = "$deltatoken=SECRET-CAPABILITY"
	err := &url.Error{Op: "Get", URL: "https://graph.example/v1.0/users/delta?" + token, Err: errors.New("connection reset by peer")}
	got := graph.WithoutURL(fmt.Errorf("page 3: %w", err))
	if strings.Contains(got.Error(), "SECRET") || !strings.Contains(got.Error(), "connection reset by peer") {
		t.Errorf("got %q, want the cause without the URL", got)
	}
	plain := errors.New("HTTP 503")
	if graph.WithoutURL(plain) != plain {
		t.Error("an error without a URL changed")
	}
}
