package graph

import (
	"context"
	"strings"
	"testing"
)

func validConfig() Config {
	return Config{
		TenantID: "8a2c9f5e-3b1d-4c6e-9f0a-1b2c3d4e5f60", ClientID: "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
		Auth: Auth{Method: AuthClientSecret, ClientSecret: "x"},
	}
}

func TestCloudEndpoints(t *testing.T) {
	tests := []struct {
		cloud, authority, graph string
	}{
		{"", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
		{"global", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
		{"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"},
		{"usgovdod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"},
		{"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
	}
	for _, tt := range tests {
		t.Run("cloud "+tt.cloud, func(t *testing.T) {
			cfg := validConfig()
			cfg.Cloud = tt.cloud
			c, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got, want := c.scope, tt.graph+"/.default"; got != want {
				t.Errorf("scope: got %q, want %q", got, want)
			}
			if got, want := c.adapter.GetBaseUrl(), tt.graph+"/v1.0"; got != want {
				t.Errorf("base URL: got %q, want %q", got, want)
			}
			ep, _ := cfg.endpoints()
			if ep.Authority != tt.authority {
				t.Errorf("authority: got %q, want %q", ep.Authority, tt.authority)
			}
		})
	}
	t.Run("custom strips /v1.0 and trailing slash", func(t *testing.T) {
		cfg := validConfig()
		cfg.Cloud, cfg.AuthorityHost, cfg.GraphEndpoint = "custom", "https://login.example.test/", "https://graph.example.test:8443/v1.0/"
		c, err := New(context.Background(), cfg)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if got, want := c.adapter.GetBaseUrl(), "https://graph.example.test:8443/v1.0"; got != want {
			t.Errorf("base URL: got %q, want %q", got, want)
		}
	})
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings, each must appear
	}{
		{"valid", func(*Config) {}, nil},
		{"domain tenant", func(c *Config) { c.TenantID = "contoso.onmicrosoft.com" }, nil},
		{"missing tenant", func(c *Config) { c.TenantID = "" }, []string{"TenantID: required"}},
		{"bad tenant", func(c *Config) { c.TenantID = "not a tenant" }, []string{"TenantID: must be a GUID or a domain name"}},
		{"bad client", func(c *Config) { c.ClientID = "app" }, []string{`ClientID: must be a GUID, got "app"`}},
		{"missing client", func(c *Config) { c.ClientID = "" }, []string{"ClientID: required for Auth.Method client_secret"}},
		{"missing secret", func(c *Config) { c.Auth.ClientSecret = "" }, []string{"Auth.ClientSecret: required"}},
		{"missing certificate", func(c *Config) { c.Auth = Auth{Method: AuthClientCertificate} }, []string{"Auth.CertificatePEM: required"}},
		{"unknown method", func(c *Config) { c.Auth.Method = "password" }, []string{`Auth.Method: unknown method "password"`}},
		{"managed identity needs no client", func(c *Config) { c.ClientID = ""; c.Auth = Auth{Method: AuthManagedIdentity} }, nil},
		{"bad managed identity id", func(c *Config) { c.Auth = Auth{Method: AuthManagedIdentity, ManagedIdentityClientID: "x"} }, []string{"Auth.ManagedIdentityClientID: must be a GUID"}},
		{"unknown cloud", func(c *Config) { c.Cloud = "mars" }, []string{`Cloud: unknown cloud "mars"`}},
		{"endpoint without custom", func(c *Config) { c.GraphEndpoint = "https://g.test" }, []string{"GraphEndpoint: only allowed with Cloud custom"}},
		{"custom needs both", func(c *Config) { c.Cloud = "custom" }, []string{"AuthorityHost: required with Cloud custom", "GraphEndpoint: required with Cloud custom"}},
		{"custom http rejected", func(c *Config) {
			c.Cloud, c.AuthorityHost, c.GraphEndpoint = "custom", "http://login.test", "http://127.0.0.1:8080"
		}, []string{`AuthorityHost: must use https, got scheme "http"`, `GraphEndpoint: must use https, got scheme "http"`}},
		{"custom with query", func(c *Config) {
			c.Cloud, c.AuthorityHost, c.GraphEndpoint = "custom", "https://login.test", "https://g.test/?a=b"
		}, []string{"GraphEndpoint: must be https://host"}},
		{"page size", func(c *Config) { c.PageSize = 1000 }, []string{"PageSize: must be between 1 and 999, got 1000"}},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }, []string{"MaxRetries: must be between 0 and 20, got -1"}},
		{"all at once", func(c *Config) { c.TenantID = ""; c.PageSize = -5; c.Auth.ClientSecret = "" }, []string{"TenantID", "PageSize", "Auth.ClientSecret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mutate(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
			if _, nerr := New(context.Background(), cfg); nerr == nil || !strings.HasPrefix(nerr.Error(), "graph config: ") {
				t.Errorf("New: got %v, want the validation error", nerr)
			}
		})
	}
}

func TestSecretNotInErrors(t *testing.T) {
	cfg := validConfig()
	cfg.Auth.ClientSecret = "hunter2-secret"
	cfg.TenantID = ""
	if err := cfg.Validate(); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("got %v, want an error without the secret", err)
	}
}
