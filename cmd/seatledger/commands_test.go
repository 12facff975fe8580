package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// demoWarehouse runs the demo once for the tests that only read its
// warehouse; it lives beside the test binary and goes with it.
var demoWarehouse = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(filepath.Dir(binary), "demo")
	if err := runWith(context.Background(), []string{"demo", "--dir", dir, "--users", "300", "--throttle-rate", "0"},
		io.Discard, io.Discard, func(string) string { return "" }); err != nil {
		return "", err
	}
	return filepath.Join(dir, "seatledger.duckdb"), nil
})

func TestQuery(t *testing.T) {
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	const q = "SELECT sku_part_number, active_units, unit_price_annual FROM mart_license_inventory WHERE sku_part_number IN ('SPE_E3', 'SPE_E5') ORDER BY 1"
	t.Run("table", func(t *testing.T) {
		out, _, err := runMain(t, nil, "query", "--warehouse", wh, q)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "sku_part_number") || lines[3] != "(2 rows)" {
			t.Errorf("table output: got\n%s\nwant a header, 2 rows and (2 rows)", out)
		}
	})
	t.Run("csv", func(t *testing.T) {
		out, _, err := runMain(t, nil, "query", "--warehouse", wh, "--format", "csv", q)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("output is not CSV: %v", err)
		}
		if len(recs) != 3 || recs[1][0] != "SPE_E3" || recs[2][0] != "SPE_E5" {
			t.Errorf("csv: got %q, want a header then SPE_E3, SPE_E5", recs)
		}
	})
	t.Run("json", func(t *testing.T) {
		out, _, err := runMain(t, nil, "query", "--warehouse", wh, "--format", "json", q)
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		if len(rows) != 2 || rows[0]["sku_part_number"] != "SPE_E3" {
			t.Errorf("json: got %v", rows)
		}
	})
	t.Run("no rows still shows the columns", func(t *testing.T) {
		out, _, err := runMain(t, nil, "query", "--warehouse", wh, "SELECT tenant, code FROM mart_findings WHERE false")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "tenant") || !strings.Contains(out, "(0 rows)") {
			t.Errorf("got %q, want the header and (0 rows)", out)
		}
	})
	for _, stmt := range []string{"DELETE FROM snapshots", "DROP TABLE snapshots", "CREATE TABLE x AS SELECT 1"} {
		t.Run("refuses "+strings.Fields(stmt)[0], func(t *testing.T) {
			_, _, err := runMain(t, nil, "query", "--warehouse", wh, stmt)
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("got %v, want a read-only refusal", err)
			}
		})
	}
	t.Run("bad format", func(t *testing.T) {
		_, _, err := runMain(t, nil, "query", "--warehouse", wh, "--format", "xml", q)
		var ec exitCoder
		if !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), "--format") {
			t.Errorf("got %v, want a usage error (exit 2) naming --format", err)
		}
	})
}

// TestConfigErrors: a bad configuration exits 2 and names every problem
// by its dotted path, before anything is contacted or written.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "warehouse:\n  pathh: x.duckdb\n", []string{"line 2", "pathh"}},
		{"several problems", `tenants:
  - name: contoso
    tenant_id: not-a-guid
    auth:
      method: client_secret
rules:
  inactivity_days: -1
`, []string{"tenants[0].tenant_id", "tenants[0].auth", "rules.inactivity_days"}},
		{"inline secret", `tenants:
  - name: contoso
    tenant_id: 8a2c9f5e-3b1d-4c6e-9f0a-1b2c3d4e5f60
    auth:
      method: client_secret
      client_id: 3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b
      client_secret: hunter2
`, []string{"client_secret"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yml")
			writeFile(t, cfg, tc.yaml)
			for _, cmd := range []string{"run", "check"} {
				_, errOut, code := runBinary(t, nil, cmd, "--config", cfg)
				if code != 2 {
					t.Errorf("%s: exit %d, want 2\n%s", cmd, code, errOut)
				}
				for _, w := range tc.want {
					if !strings.Contains(errOut, w) {
						t.Errorf("%s: stderr lacks %q:\n%s", cmd, w, errOut)
					}
				}
				if strings.Contains(errOut, "hunter2") {
					t.Errorf("%s: the inline secret is echoed:\n%s", cmd, errOut)
				}
			}
		})
	}
	t.Run("unknown tenant", func(t *testing.T) {
		_, cfg, env, _ := simTenant(t, 10, graphsim.ServerOptions{})
		_, errOut, code := runBinary(t, env, "run", "--config", cfg, "--tenant", "fabrikam")
		if code != 2 || !strings.Contains(errOut, `--tenant "fabrikam"`) || !strings.Contains(errOut, "contoso") {
			t.Errorf("exit %d, stderr %q: want 2 naming fabrikam and the known tenant", code, errOut)
		}
	})
	t.Run("no config", func(t *testing.T) {
		_, errOut, code := runBinary(t, []string{"SEATLEDGER_CONFIG="}, "run")
		if code != 2 || !strings.Contains(errOut, "--config") {
			t.Errorf("exit %d, stderr %q: want 2 asking for --config", code, errOut)
		}
	})
}

// TestCheck runs `seatledger check` against the simulator: the token, each
// permission, the report setting and the clock; then with a permission
// withheld, a concealed report and a wrong secret.
func TestCheck(t *testing.T) {
	cases := []struct {
		name     string
		opts     graphsim.ServerOptions
		env      func([]string) []string
		wantCode int
		want     []string
	}{
		{"all good", graphsim.ServerOptions{}, nil, 0, []string{
			"ok    token", "ok    permission User.Read.All", "ok    permission Reports.Read.All",
			"ok    report concealment", "ok    clock"}},
		{"missing Reports.Read.All", graphsim.ServerOptions{Permissions: []string{"User.Read.All", "Organization.Read.All", "ReportSettings.Read.All"}},
			nil, 1, []string{"FAIL  permission Reports.Read.All", "warn  permission GroupMember.Read.All"}},
		{"concealed", graphsim.ServerOptions{Concealed: true}, nil, 1, []string{"FAIL  report concealment"}},
		{"wrong secret", graphsim.ServerOptions{}, func(env []string) []string {
			return append(env, "SIM_SECRET=wrong")
		}, 1, []string{"FAIL  token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg, env, _ := simTenant(t, 10, tc.opts)
			if tc.env != nil {
				env = tc.env(env)
			}
			out, errOut, code := runBinary(t, env, "check", "--config", cfg)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.wantCode, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out+errOut, "SIM_SECRET=") {
				t.Error("output shows the secret variable's value")
			}
		})
	}
}
