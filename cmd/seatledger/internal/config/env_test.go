package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const envBase = "testdata/valid-env-base.yml"

func TestApplyEnv(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(*config.Config) (got, want any)
	}{
		{"warehouse path", map[string]string{"SEATLEDGER_WAREHOUSE_PATH": "/data/w.duckdb"},
			func(c *config.Config) (any, any) { return c.Warehouse.Path, "/data/w.duckdb" }},
		{"retention days", map[string]string{"SEATLEDGER_WAREHOUSE_RETENTION_DAYS": "365"},
			func(c *config.Config) (any, any) { return c.Warehouse.RetentionDays, 365 }},
		{"cron", map[string]string{"SEATLEDGER_SCHEDULE_CRON": "@hourly"},
			func(c *config.Config) (any, any) { return c.Schedule.Cron, "@hourly" }},
		{"jitter", map[string]string{"SEATLEDGER_SCHEDULE_JITTER": "90s"},
			func(c *config.Config) (any, any) { return c.Schedule.Jitter, 90 * time.Second }},
		{"listen", map[string]string{"SEATLEDGER_SERVE_LISTEN": ":9999"},
			func(c *config.Config) (any, any) { return c.Serve.Listen, ":9999" }},
		{"reports dir", map[string]string{"SEATLEDGER_REPORTS_DIR": "/out"},
			func(c *config.Config) (any, any) { return c.Reports.Dir, "/out" }},
		{"reports excel off", map[string]string{"SEATLEDGER_REPORTS_EXCEL": "false"},
			func(c *config.Config) (any, any) { return c.Reports.Excel, false }},
		{"parquet dir", map[string]string{"SEATLEDGER_REPORTS_PARQUET_DIR": "/pq"},
			func(c *config.Config) (any, any) { return c.Reports.ParquetDir, "/pq" }},
		{"tenant id by upper-cased name", map[string]string{"SEATLEDGER_TENANTS_NORTH_WIND_TENANT_ID": "11111111-2222-3333-4444-555555555555"},
			func(c *config.Config) (any, any) {
				return c.Tenants[1].TenantID, "11111111-2222-3333-4444-555555555555"
			}},
		{"tenant auth nested", map[string]string{"SEATLEDGER_TENANTS_CONTOSO_AUTH_CLIENT_SECRET_ENV": "OTHER_SECRET"},
			func(c *config.Config) (any, any) { return c.Tenants[0].Auth.ClientSecretEnv, "OTHER_SECRET" }},
		{"other tenant untouched", map[string]string{"SEATLEDGER_TENANTS_CONTOSO_REPORT_PERIOD": "D30"},
			func(c *config.Config) (any, any) {
				return c.Tenants[1].ReportPeriod + c.Tenants[0].ReportPeriod, "D7D30"
			}},
		{"inactivity days", map[string]string{"SEATLEDGER_RULES_INACTIVITY_DAYS": "60"},
			func(c *config.Config) (any, any) { return c.Rules.InactivityDays, 60 }},
		{"ignore skus comma list", map[string]string{"SEATLEDGER_RULES_IGNORE_SKUS": "FLOW_FREE, STREAM"},
			func(c *config.Config) (any, any) { return strings.Join(c.Rules.IgnoreSKUs, "|"), "FLOW_FREE|STREAM" }},
		{"pricing currency", map[string]string{"SEATLEDGER_PRICING_CURRENCY": "USD"},
			func(c *config.Config) (any, any) { return c.Pricing.Currency, "USD" }},
		{"pricing currency reaches prices without one", map[string]string{"SEATLEDGER_PRICING_CURRENCY": "USD"},
			func(c *config.Config) (any, any) { return c.Pricing.Prices[0].Currency, "USD" }},
		{"no override keeps the file's currency for prices", nil,
			func(c *config.Config) (any, any) { return c.Pricing.Prices[0].Currency, "EUR" }},
		{"empty variable changes nothing", map[string]string{"SEATLEDGER_WAREHOUSE_PATH": ""},
			func(c *config.Config) (any, any) { return c.Warehouse.Path, "./file.duckdb" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(envBase, mapEnv(tt.env))
			if err != nil {
				t.Fatalf("Load: got error %v, want nil", err)
			}
			if got, want := tt.check(c); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestApplyEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad integer", map[string]string{"SEATLEDGER_WAREHOUSE_RETENTION_DAYS": "forever"},
			`environment for config ` + envBase + `: SEATLEDGER_WAREHOUSE_RETENTION_DAYS: must be an integer, got "forever"`},
		{"bad bool and duration together", map[string]string{"SEATLEDGER_REPORTS_EXCEL": "maybe", "SEATLEDGER_SCHEDULE_JITTER": "soon"},
			"environment for config " + envBase + ": 2 problems:\n" +
				`  SEATLEDGER_SCHEDULE_JITTER: must be a duration such as 30m, got "soon"` + "\n" +
				`  SEATLEDGER_REPORTS_EXCEL: must be true or false, got "maybe"`},
		{"override is validated", map[string]string{"SEATLEDGER_TENANTS_CONTOSO_TENANT_ID": "contoso"},
			`validate config ` + envBase + `: tenants[0].tenant_id: must be a GUID, got "contoso"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(envBase, mapEnv(tt.env))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestEnvNames(t *testing.T) {
	c, err := config.Load(envBase, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := c.EnvNames()
	for _, want := range []string{
		"SEATLEDGER_WAREHOUSE_PATH", "SEATLEDGER_WAREHOUSE_RETENTION_DAYS",
		"SEATLEDGER_SCHEDULE_CRON", "SEATLEDGER_SERVE_LISTEN", "SEATLEDGER_REPORTS_DIR",
		"SEATLEDGER_REPORTS_KEEP", "SEATLEDGER_TENANTS_CONTOSO_TENANT_ID",
		"SEATLEDGER_TENANTS_NORTH_WIND_AUTH_MANAGED_IDENTITY_CLIENT_ID",
		"SEATLEDGER_RULES_GRACE_DAYS", "SEATLEDGER_PRICING_CURRENCY",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("EnvNames: got no %s, want it", want)
		}
	}
	for _, bad := range []string{"SEATLEDGER_TENANTS_CONTOSO_NAME", "SEATLEDGER_PRICING_FX", "SEATLEDGER_RULES_EXCLUSIONS"} {
		if slices.Contains(names, bad) {
			t.Errorf("EnvNames: got %s, want it absent", bad)
		}
	}
}
