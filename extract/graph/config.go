package graph

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Defaults and bounds of Config.
const (
	DefaultPageSize   = 999 // Graph's maximum $top for users and groups
	MaxPageSize       = 999
	DefaultMaxRetries = 5
	MaxMaxRetries     = 20
)

// Auth methods accepted in Auth.Method.
const (
	AuthClientSecret      = "client_secret"
	AuthClientCertificate = "client_certificate"
	AuthManagedIdentity   = "managed_identity"
	AuthWorkloadIdentity  = "workload_identity"
	AuthDefault           = "default"
)

// Config configures a Client for one tenant.
type Config struct {
	TenantID, ClientID string
	// Cloud is "global" (default), "usgov", "usgovdod", "china" or "custom".
	Cloud string
	// AuthorityHost is the Entra authority (https://...), for Cloud "custom" only.
	AuthorityHost string
	// GraphEndpoint is the Graph root without /v1.0 (https://...), for Cloud "custom" only.
	GraphEndpoint string
	Auth          Auth
	// RootCAs replaces the system roots for both Entra and Graph when set
	// (build it from x509.SystemCertPool to add to them); nil means the
	// system roots, so SSL_CERT_FILE works.
	RootCAs *x509.CertPool
	// PageSize is $top for users and groups: default 999, at most 999.
	PageSize int
	// MaxRetries bounds the retries of one request (429, 5xx, network
	// errors, truncated bodies): default 5, at most 20.
	MaxRetries int
	// Observe, when set, is called for every HTTP attempt, retries and
	// redirect hops included, with a low-cardinality endpoint name
	// ("users", "subscribedSkus", "subscriptions", "reportSettings",
	// "groups", "usageReport", "token") and the status code (0 when no
	// response arrived). It must be safe for concurrent use.
	Observe func(endpoint string, status int)
	// Logger receives retry and paging events; nil discards them.
	Logger *slog.Logger
}

// Auth selects and configures the credential.
type Auth struct {
	// Method is "client_secret", "client_certificate", "managed_identity",
	// "workload_identity" or "default".
	Method string
	// ClientSecret is the application secret (client_secret); never logged.
	ClientSecret string
	// CertificatePEM holds the certificate and its private key, PEM or
	// PKCS#12 (client_certificate); CertificatePassword decrypts it.
	CertificatePEM      []byte
	CertificatePassword string
	// ManagedIdentityClientID selects a user-assigned managed identity;
	// empty means the system-assigned one.
	ManagedIdentityClientID string
	// FederatedTokenFile is the workload identity token file; empty means
	// AZURE_FEDERATED_TOKEN_FILE.
	FederatedTokenFile string
}

// cloudEndpoints are the authority host and Graph endpoint of a national cloud.
type cloudEndpoints struct {
	Authority string
	Graph     string
}

// clouds are the national clouds, from
// https://learn.microsoft.com/graph/deployments#microsoft-graph-and-graph-explorer-service-root-endpoints
var clouds = map[string]cloudEndpoints{
	"global":   {"https://login.microsoftonline.com", "https://graph.microsoft.com"},
	"usgov":    {"https://login.microsoftonline.us", "https://graph.microsoft.us"},
	"usgovdod": {"https://login.microsoftonline.us", "https://dod-graph.microsoft.us"},
	"china":    {"https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
}

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
)

// endpoints resolves the cloud of cfg, with defaults applied.
func (cfg Config) endpoints() (cloudEndpoints, error) {
	name := cfg.Cloud
	if name == "" {
		name = "global"
	}
	if name == "custom" {
		return cloudEndpoints{
			Authority: strings.TrimRight(cfg.AuthorityHost, "/"),
			Graph:     strings.TrimSuffix(strings.TrimRight(cfg.GraphEndpoint, "/"), "/v1.0"),
		}, nil
	}
	ep, ok := clouds[name]
	if !ok {
		return cloudEndpoints{}, fmt.Errorf("Cloud: unknown cloud %q, want global, usgov, usgovdod, china or custom", cfg.Cloud) //nolint:staticcheck // ST1005: names the Config field, as the other errors here do
	}
	return ep, nil
}

// withDefaults returns cfg with zero values replaced by defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Cloud == "" {
		cfg.Cloud = "global"
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.Auth.Method == "" {
		cfg.Auth.Method = AuthClientSecret
	}
	return cfg
}

// Validate reports every problem of cfg at once, each naming its field.
// Zero values that have defaults are accepted.
func (cfg Config) Validate() error {
	cfg = cfg.withDefaults()
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case cfg.TenantID == "":
		add("TenantID: required")
	case !guidRE.MatchString(cfg.TenantID) && !domainRE.MatchString(cfg.TenantID):
		add("TenantID: must be a GUID or a domain name, got %q", cfg.TenantID)
	}
	if cfg.ClientID != "" && !guidRE.MatchString(cfg.ClientID) {
		add("ClientID: must be a GUID, got %q", cfg.ClientID)
	}
	errs = append(errs, cfg.validateCloud()...)
	errs = append(errs, cfg.Auth.validate(cfg.ClientID)...)
	if cfg.PageSize < 1 || cfg.PageSize > MaxPageSize {
		add("PageSize: must be between 1 and %d, got %d", MaxPageSize, cfg.PageSize)
	}
	if cfg.MaxRetries < 0 || cfg.MaxRetries > MaxMaxRetries {
		add("MaxRetries: must be between 0 and %d, got %d", MaxMaxRetries, cfg.MaxRetries)
	}
	return errors.Join(errs...)
}

func (cfg Config) validateCloud() []error {
	if cfg.Cloud != "custom" {
		var errs []error
		if _, err := cfg.endpoints(); err != nil {
			errs = append(errs, err)
		}
		if cfg.AuthorityHost != "" {
			errs = append(errs, fmt.Errorf("AuthorityHost: only allowed with Cloud custom, got Cloud %q", cfg.Cloud))
		}
		if cfg.GraphEndpoint != "" {
			errs = append(errs, fmt.Errorf("GraphEndpoint: only allowed with Cloud custom, got Cloud %q", cfg.Cloud))
		}
		return errs
	}
	var errs []error
	if err := checkHTTPSURL(cfg.AuthorityHost); err != nil {
		errs = append(errs, fmt.Errorf("AuthorityHost: %w", err))
	}
	if err := checkHTTPSURL(cfg.GraphEndpoint); err != nil {
		errs = append(errs, fmt.Errorf("GraphEndpoint: %w", err))
	}
	return errs
}

// checkHTTPSURL accepts an absolute https URL without query or fragment.
func checkHTTPSURL(raw string) error {
	if raw == "" {
		return errors.New("required with Cloud custom")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("must use https, got scheme %q in %q", u.Scheme, raw)
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("must be https://host[:port][/path] without query, fragment or credentials, got %q", raw)
	}
	return nil
}

func (a Auth) validate(clientID string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	needClient := func() {
		if clientID == "" {
			add("ClientID: required for Auth.Method %s", a.Method)
		}
	}
	switch a.Method {
	case AuthClientSecret:
		needClient()
		if a.ClientSecret == "" {
			add("Auth.ClientSecret: required for Auth.Method client_secret")
		}
	case AuthClientCertificate:
		needClient()
		if len(a.CertificatePEM) == 0 {
			add("Auth.CertificatePEM: required for Auth.Method client_certificate")
		}
	case AuthWorkloadIdentity:
		needClient()
	case AuthManagedIdentity, AuthDefault:
	default:
		add("Auth.Method: unknown method %q, want client_secret, client_certificate, managed_identity, workload_identity or default", a.Method)
	}
	if a.ManagedIdentityClientID != "" && !guidRE.MatchString(a.ManagedIdentityClientID) {
		add("Auth.ManagedIdentityClientID: must be a GUID, got %q", a.ManagedIdentityClientID)
	}
	return errs
}

// redacted replaces secret values when an Auth is printed.
const redacted = "<secret>"

// Format prints the Auth with its secret, certificate and password
// replaced by <secret>, whatever the verb (%v, %+v, %#v, %s), so that a log
// line, an error or a panic that prints a Config never shows them.
func (a Auth) Format(f fmt.State, _ rune) {
	hide := func(set bool) string {
		if set {
			return redacted
		}
		return ""
	}
	fmt.Fprintf(f, "{Method:%s ClientSecret:%s CertificatePEM:%s CertificatePassword:%s ManagedIdentityClientID:%s FederatedTokenFile:%s}",
		a.Method, hide(a.ClientSecret != ""), hide(len(a.CertificatePEM) > 0), hide(a.CertificatePassword != ""),
		a.ManagedIdentityClientID, a.FederatedTokenFile)
}
