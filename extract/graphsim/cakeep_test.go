package graphsim_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestCADirKeepsTheCA(t *testing.T) {
	dir := t.TempDir()
	tenant := graphsim.Generate(graphsim.GenOptions{Users: 10, Seed: 42, Now: fixedNow})
	first := serveTenant(t, tenant, graphsim.ServerOptions{CADir: dir})
	second := serveTenant(t, tenant, graphsim.ServerOptions{CADir: dir})
	if got, want := second.srv.CAFile(), filepath.Join(dir, "graphsim-ca.pem"); first.srv.CAFile() != want || got != want {
		t.Errorf("CA file: got %s and %s, want %s", first.srv.CAFile(), got, want)
	}
	// A client that trusts the first start's CA trusts the second's server.
	first.srv, first.tenant = second.srv, second.tenant
	first.token()
	if fi, err := os.Stat(filepath.Join(dir, "graphsim-ca-key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("CA key file: got %v %v, want mode 0600", fi, err)
	}
	for _, c := range []struct{ name, file, content string }{
		{"key not PEM", "graphsim-ca-key.pem", "garbage"},
		{"certificate missing", "graphsim-ca.pem", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := t.TempDir()
			if _, err := graphsim.NewServer(tenant, graphsim.ServerOptions{CADir: bad}); err != nil {
				t.Fatalf("NewServer: %v", err)
			}
			path := filepath.Join(bad, c.file)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if c.content != "" {
				if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := graphsim.NewServer(tenant, graphsim.ServerOptions{CADir: bad}); err == nil || !strings.Contains(err.Error(), "CA") {
				t.Errorf("NewServer: got %v, want an error about the kept CA", err)
			}
		})
	}
}
