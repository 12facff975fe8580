package config_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

var update = flag.Bool("update", false, "rewrite the '# want:' lines of testdata/invalid-*.yml")

const wantPrefix = "# want: "

// TestLoadInvalid loads every testdata/invalid-*.yml and compares the whole
// error text with the file's "# want:" lines ($FILE stands for the path).
func TestLoadInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("got %d invalid cases, want >= 25", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yml"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, lerr := config.Load(f, nil)
			if lerr == nil {
				t.Fatalf("Load(%s) succeeded, want an error", f)
			}
			got := strings.ReplaceAll(lerr.Error(), f, "$FILE")
			if *update {
				rewriteWant(t, f, b, got)
				return
			}
			want := wantOf(b)
			if want == "" {
				t.Fatalf("%s has no %q lines", f, wantPrefix)
			}
			if got != want {
				t.Errorf("Load(%s) error:\ngot:\n%s\nwant:\n%s", f, got, want)
			}
			var fe *config.FileError
			if !errors.As(lerr, &fe) || fe.File != f {
				t.Errorf("got error %T without File %s, want *config.FileError", lerr, f)
			}
		})
	}
}

func wantOf(b []byte) string {
	var want []string
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, wantPrefix); ok {
			want = append(want, s)
		}
	}
	return strings.Join(want, "\n")
}

// rewriteWant puts the want lines after the file's leading comment lines.
// Only the comments change, so line numbers in errors shift; run -update
// twice.
func rewriteWant(t *testing.T, f string, b []byte, got string) {
	t.Helper()
	var head, body []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, wantPrefix) {
			continue
		}
		if len(body) == 0 && strings.HasPrefix(l, "#") {
			head = append(head, l)
			continue
		}
		body = append(body, l)
	}
	for _, w := range strings.Split(got, "\n") {
		head = append(head, wantPrefix+w)
	}
	out := strings.Join(append(head, body...), "\n")
	if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadValid loads every testdata/valid-*.yml and the shipped example.
func TestLoadValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../../../configs/seatledger.example.yml")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := config.Load(f, nil)
			if err != nil {
				t.Fatalf("Load(%s): got error %v, want nil", f, err)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("Validate after Load: got %v, want nil", err)
			}
		})
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load("testdata/valid-minimal.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Config{
		Warehouse: config.Warehouse{Path: "./seatledger.duckdb"},
		Run:       config.Run{Concurrency: 4},
		Schedule:  config.Schedule{Cron: "CRON_TZ=UTC 0 3 * * *"},
		Serve:     config.Serve{Listen: "127.0.0.1:9464"},
		Reports:   config.Reports{Dir: "./reports", Excel: true, Keep: 14},
		Tenants: []config.Tenant{{
			Name: "contoso", TenantID: "8a3c1e2f-5b6d-4e7f-9a0b-1c2d3e4f5a6b",
			Cloud: "global", ReportPeriod: "D7", Auth: config.Auth{Method: "default"}, Signals: []string{"copilot_usage"},
		}},
		Rules:   config.Rules{InactivityDays: 90, GraceDays: 30, IgnoreSKUs: config.DefaultIgnoreSKUs()},
		Pricing: config.Pricing{Currency: "USD"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(valid-minimal):\ngot  %+v\nwant %+v", c, want)
	}
}

// TestLoadExplicitZeros checks that explicit false, 0 and [] survive the
// defaults.
func TestLoadExplicitZeros(t *testing.T) {
	c, err := config.Load("testdata/valid-explicit-zeros.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"reports.excel", c.Reports.Excel, false},
		{"reports.keep", c.Reports.Keep, 0},
		{"rules.grace_days", c.Rules.GraceDays, 0},
		{"rules.ignore_skus", len(c.Rules.IgnoreSKUs), 0},
		{"warehouse.retention_days", c.Warehouse.RetentionDays, 0},
		{"schedule.jitter", c.Schedule.Jitter, time.Duration(0)},
		{"pricing.prices[0].currency", c.Pricing.Prices[0].Currency, "EUR"},
		{"pricing.prices[0].expires", c.Pricing.Prices[0].Expires.String(), "2027-01-01"},
		{"tenants[0].signals", len(c.Tenants[0].Signals), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load("testdata/does-not-exist.yml", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "read config testdata/does-not-exist.yml: ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a read error naming the file that wraps os.ErrNotExist", err)
	}
}

func TestValidationErrorsAs(t *testing.T) {
	_, err := config.Load("testdata/invalid-many.yml", nil)
	var ve config.ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("got %T, want ValidationErrors inside", err)
	}
	if got, want := ve[0].Path, "warehouse.retention_days"; got != want {
		t.Errorf("first problem path: got %q, want %q", got, want)
	}
}

func BenchmarkLoadExample(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := config.Load("../../../../configs/seatledger.example.yml", nil); err != nil {
			b.Fatal(err)
		}
	}
}
