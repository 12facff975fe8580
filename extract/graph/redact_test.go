package graph_test

import (
	"fmt"
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
