package graph_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graph"
)

// selfSignedPEM returns a certificate and its RSA key, PEM-encoded.
func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "seatledger test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("marshal key: %v", err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
}

func TestCredentials(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"), 0o600); err != nil {
		t.Fatalf("write token file: %v", err)
	}
	tests := []struct {
		name string
		auth graph.Auth
	}{
		{"client_certificate PEM", graph.Auth{Method: graph.AuthClientCertificate, CertificatePEM: selfSignedPEM(t)}},
		{"workload_identity", graph.Auth{Method: graph.AuthWorkloadIdentity, FederatedTokenFile: tokenFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			obs := &observer{}
			c := newClientWith(t, f, obs, func(cfg *graph.Config) { cfg.Auth = tt.auth })
			rs, err := c.ReportSettings(context.Background())
			if err != nil || !rs.DisplayConcealedNames {
				t.Fatalf("ReportSettings: got %+v, %v, want concealed names and no error", rs, err)
			}
			if len(obs.get("token")) == 0 {
				t.Errorf("Observe(token): got no calls, want the token request")
			}
		})
	}
	t.Run("bad certificate", func(t *testing.T) {
		_, err := graph.New(context.Background(), graph.Config{
			TenantID: graphtest.TenantID, ClientID: graphtest.ClientID,
			Auth: graph.Auth{Method: graph.AuthClientCertificate, CertificatePEM: []byte("not a certificate")},
		})
		if err == nil {
			t.Fatalf("got no error, want a certificate error")
		}
		if got := err.Error(); !strings.Contains(got, "Auth.CertificatePEM") {
			t.Errorf("got %q, want it to name Auth.CertificatePEM", got)
		}
	})
	t.Run("managed identity and default build without I/O", func(t *testing.T) {
		for _, m := range []string{graph.AuthManagedIdentity, graph.AuthDefault} {
			_, err := graph.New(context.Background(), graph.Config{TenantID: graphtest.TenantID, Auth: graph.Auth{Method: m}})
			if err != nil {
				t.Errorf("New with %s: %v", m, err)
			}
		}
	})
}
