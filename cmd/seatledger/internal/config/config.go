// Package config loads, defaults and validates the seatledger YAML
// configuration described in the README ("Configuration reference").
//
// Loading is strict: unknown keys are an error naming the line and key, and
// secrets are never inline (they come from an environment variable or a
// file, see Tenant.ResolveSecret). Validate reports every problem at once,
// each with its dotted path, for example
//
//	tenants[1].tenant_id: must be a GUID, got "contoso"
//
// Environment variables named SEATLEDGER_<SECTION>_<KEY> (and
// SEATLEDGER_TENANTS_<NAME>_<KEY> per tenant) override scalar values from
// the file; see ApplyEnv.
package config

import (
	"time"
)

// Config is the whole seatledger configuration file.
type Config struct {
	Warehouse Warehouse `yaml:"warehouse"`
	Run       Run       `yaml:"run"`
	Schedule  Schedule  `yaml:"schedule"`
	Serve     Serve     `yaml:"serve"`
	Reports   Reports   `yaml:"reports"`
	Tenants   []Tenant  `yaml:"tenants"`
	Rules     Rules     `yaml:"rules"`
	Pricing   Pricing   `yaml:"pricing"`
}

// Warehouse is the DuckDB warehouse section.
type Warehouse struct {
	// Path is the DuckDB database file (default ./seatledger.duckdb).
	Path string `yaml:"path"`
	// RetentionDays is how many days of snapshots to keep; 0 keeps them
	// forever.
	RetentionDays int `yaml:"retention_days"`
	// MemoryLimit caps DuckDB's memory, e.g. "512MB" or "2GB"; beyond it
	// DuckDB spills to TempDirectory. Empty: load.DefaultMemoryLimit (256MB).
	MemoryLimit string `yaml:"memory_limit"`
	// Threads is DuckDB's worker threads; 0 means one per available CPU.
	Threads int `yaml:"threads"`
	// TempDirectory is where DuckDB spills, for every command (read-only
	// ones included); empty means <path>.tmp next to the warehouse.
	TempDirectory string `yaml:"temp_directory"`
}

// Run is how a run proceeds.
type Run struct {
	// Concurrency is how many tenants are extracted and loaded at once
	// (default 4).
	Concurrency int `yaml:"concurrency"`
}

// DefaultConcurrency is run.concurrency when unset.
const DefaultConcurrency = 4

// Schedule is the nightly schedule used by `seatledger serve`.
type Schedule struct {
	// Cron is a robfig/cron expression (five fields or a descriptor such as
	// @daily), optionally prefixed with CRON_TZ=<zone>.
	Cron string `yaml:"cron"`
	// Jitter delays each run by a random duration in [0, Jitter).
	Jitter time.Duration `yaml:"jitter"`
}

// Serve is the HTTP listener for /metrics and health.
type Serve struct {
	// Listen is host:port (default 127.0.0.1:9464).
	Listen string `yaml:"listen"`
}

// Reports is the reports section.
type Reports struct {
	// Dir receives the dated Excel workbooks (default ./reports).
	Dir string `yaml:"dir"`
	// Excel turns the workbook on (default true).
	Excel bool `yaml:"excel"`
	// ParquetDir, when set, receives Parquet exports of every mart.
	ParquetDir string `yaml:"parquet_dir"`
	// Keep is how many dated workbooks to keep in Dir (default 14; 0 keeps
	// all).
	Keep int `yaml:"keep"`
	// Pseudonymize replaces user principal names, display names and mail
	// addresses with stable pseudonyms (a keyed HMAC-SHA256) in every
	// report, for organisations whose works council requires it.
	Pseudonymize bool `yaml:"pseudonymize"`
	// PseudonymKeyEnv names the environment variable holding the HMAC
	// key (at least 16 bytes); required with Pseudonymize, unless
	// PseudonymKeyFile is set. The same key gives the same pseudonyms.
	PseudonymKeyEnv string `yaml:"pseudonym_key_env"`
	// PseudonymKeyFile is a file holding the HMAC key instead.
	PseudonymKeyFile string `yaml:"pseudonym_key_file"`
}

// Tenant is one Microsoft 365 tenant to extract.
type Tenant struct {
	// Name is the short label used in reports, metrics and environment
	// variable names: [a-z0-9_-]+, unique.
	Name string `yaml:"name"`
	// TenantID is the Entra tenant (directory) id, a GUID.
	TenantID string `yaml:"tenant_id"`
	// Cloud is global (default), usgov, usgovdod, china or custom.
	Cloud string `yaml:"cloud"`
	// AuthorityHost is the Entra login endpoint; only with cloud custom.
	AuthorityHost string `yaml:"authority_host"`
	// GraphEndpoint is the Microsoft Graph base URL; only with cloud custom.
	GraphEndpoint string `yaml:"graph_endpoint"`
	// Auth says how to get a token.
	Auth Auth `yaml:"auth"`
	// ReportPeriod is the usage report period: D7 (default), D30, D90, D180.
	ReportPeriod string `yaml:"report_period"`
	// Signals are the usage-signal datasets read besides the usage report
	// (extract.SignalDatasets: copilot_usage, apps_usage,
	// office_activations, mailbox_usage, signin_activity, powerbi_signins),
	// each optional. Absent: DefaultSignals; an explicit empty list reads
	// none.
	Signals []string `yaml:"signals"`
	// Limits are hard limits on consumed units, by SKU part number: the
	// most seats of that SKU the tenant may consume (a managed service
	// provider's cap per customer). Passing one is a finding and a metric,
	// and assign refuses to pass it.
	Limits map[string]int64 `yaml:"limits"`
	// DefaultUsageLocation is the ISO 3166 alpha-2 code set on a user
	// without one before a licence is assigned (assign).
	DefaultUsageLocation string `yaml:"default_usage_location"`
}

// Auth is how a tenant authenticates. Which fields apply depends on Method.
type Auth struct {
	// Method is client_secret, client_certificate, managed_identity,
	// workload_identity or default (DefaultAzureCredential, the default).
	Method string `yaml:"method"`
	// ClientID is the app registration's application (client) id.
	ClientID string `yaml:"client_id"`
	// ClientSecretEnv names the environment variable holding the secret.
	ClientSecretEnv string `yaml:"client_secret_env"`
	// ClientSecretFile is a file holding the secret.
	ClientSecretFile string `yaml:"client_secret_file"`
	// CertificateFile is a PEM or PKCS#12 file with certificate and key.
	CertificateFile string `yaml:"certificate_file"`
	// CertificatePasswordEnv names the environment variable holding the
	// certificate's password, if it has one.
	CertificatePasswordEnv string `yaml:"certificate_password_env"`
	// ManagedIdentityClientID selects a user-assigned managed identity.
	ManagedIdentityClientID string `yaml:"managed_identity_client_id"`
	// FederatedTokenFile is the projected service account token for
	// workload identity (default: $AZURE_FEDERATED_TOKEN_FILE).
	FederatedTokenFile string `yaml:"federated_token_file"`
}

// Rules are the reclamation rules.
type Rules struct {
	// InactivityDays is how long without activity makes a seat idle (90).
	InactivityDays int `yaml:"inactivity_days"`
	// GraceDays protects newly created users and new assignments (30).
	GraceDays int `yaml:"grace_days"`
	// Exclusions are users, groups, departments or SKUs never reported as
	// reclaimable.
	Exclusions []Exclusion `yaml:"exclusions"`
	// IgnoreSKUs are SKU part numbers left out entirely (free and viral
	// SKUs by default, see DefaultIgnoreSKUs).
	IgnoreSKUs []string `yaml:"ignore_skus"`
}

// Exclusion protects seats from being reported as reclaimable. Exactly one
// of UPN, GroupID, Department and SKU is set.
type Exclusion struct {
	// UPN is a path.Match glob over user principal names, case-insensitive.
	UPN string `yaml:"upn"`
	// GroupID is a group object id (GUID).
	GroupID string `yaml:"group_id"`
	// Department matches user.department exactly.
	Department string `yaml:"department"`
	// SKU is a SKU part number.
	SKU string `yaml:"sku"`
	// Reason is required: it is printed next to every excluded seat.
	Reason string `yaml:"reason"`
	// Until, when set, ends the exclusion after that day.
	Until *Date `yaml:"until"`
}

// Pricing is the pricing section.
type Pricing struct {
	// Currency is the ISO 4217 reporting currency (default USD).
	Currency string `yaml:"currency"`
	// FX maps a currency to its rate: 1 unit of the key currency is worth
	// rate units of the reporting currency.
	FX map[string]float64 `yaml:"fx"`
	// Prices is the price history: several entries per SKU and term with
	// non-overlapping dates.
	Prices []Price `yaml:"prices"`
}

// Price is one list or contract price of a SKU for a date range.
type Price struct {
	// SKU is the SKU part number, for example SPE_E3.
	SKU string `yaml:"sku"`
	// UnitPrice is charged per seat per Billing period; >= 0.
	UnitPrice float64 `yaml:"unit_price"`
	// Currency is ISO 4217; empty means the reporting currency.
	Currency string `yaml:"currency"`
	// Billing is the period UnitPrice is charged for: monthly, annual or
	// triennial.
	Billing string `yaml:"billing"`
	// Term is the commitment: monthly or annual.
	Term string `yaml:"term"`
	// Effective is the first day the price applies (inclusive).
	Effective Date `yaml:"effective"`
	// Expires, when set, is the last day the price applies (inclusive, as
	// in the transform's price lookup effective <= as_of <= expires); it
	// must not be before Effective. A following entry starts the day after.
	Expires *Date `yaml:"expires"`
}

// Defaults for the sections; see the Defaults methods.
const (
	DefaultWarehousePath  = "./seatledger.duckdb"
	DefaultCron           = "CRON_TZ=UTC 0 3 * * *"
	DefaultListen         = "127.0.0.1:9464"
	DefaultReportsDir     = "./reports"
	DefaultReportsKeep    = 14
	DefaultInactivityDays = 90
	DefaultGraceDays      = 30
	DefaultCurrency       = "USD"
	DefaultCloud          = "global"
	DefaultAuthMethod     = "default"
	DefaultReportPeriod   = "D7"
)

// DefaultIgnoreSKUs returns the SKU part numbers ignored when
// rules.ignore_skus is not set: free, viral, trial, developer and
// credit-only SKUs that cost nothing per seat. Every part number appears in
// Microsoft's licensing service-plan reference CSV.
func DefaultIgnoreSKUs() []string {
	return []string{
		"FLOW_FREE", "POWER_BI_STANDARD", "TEAMS_EXPLORATORY",
		"Microsoft_Teams_Exploratory_Dept", "TEAMS_FREE", "TEAMS_COMMERCIAL_TRIAL",
		"CCIBOTS_PRIVPREV_VIRAL", "POWERAPPS_VIRAL", "POWERAPPS_DEV",
		"POWERAPPS_INDIVIDUAL_USER", "POWER_BI_INDIVIDUAL_USER", "MCOPSTNC",
		"WINDOWS_STORE", "STREAM", "RIGHTSMANAGEMENT_ADHOC",
		"MICROSOFT_BUSINESS_CENTER", "PROJECT_MADEIRA_PREVIEW_IW_SKU",
		"DYN365_CUSTOMER_INSIGHTS_VIRAL", "Dynamics_365_Customer_Service_Enterprise_viral_trial",
		"Dynamics_365_Field_Service_Enterprise_viral_trial", "Dynamics_365_Sales_Premium_Viral_Trial",
		"Dynamics_365_Guides_vTrial", "Power_Pages_vTrial_for_Makers",
		"Microsoft_Cloud_for_Sustainability_vTrial",
	}
}

// Default returns the built-in configuration used by `seatledger demo`
// when no file is given: every default, no tenants, and DemoPricing.
func Default() *Config {
	c := New()
	c.Defaults()
	c.Pricing = DemoPricing()
	return c
}

// Defaults fills every unset field of every section with its default.
func (c *Config) Defaults() {
	c.Warehouse.Defaults()
	c.Run.Defaults()
	c.Schedule.Defaults()
	c.Serve.Defaults()
	c.Reports.Defaults()
	for i := range c.Tenants {
		c.Tenants[i].Defaults()
	}
	c.Rules.Defaults()
	c.Pricing.Defaults()
}

// Defaults fills an empty path.
func (w *Warehouse) Defaults() {
	if w.Path == "" {
		w.Path = DefaultWarehousePath
	}
}

// Defaults sets the default concurrency.
func (r *Run) Defaults() {
	if r.Concurrency == 0 {
		r.Concurrency = DefaultConcurrency
	}
}

// Defaults fills an empty cron expression.
func (s *Schedule) Defaults() {
	if s.Cron == "" {
		s.Cron = DefaultCron
	}
}

// Defaults fills an empty listen address.
func (s *Serve) Defaults() {
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
}

// Defaults fills an empty dir. Excel and Keep have meaningful zero values,
// so their defaults (true, 14) are seeded before decoding (see New).
func (r *Reports) Defaults() {
	if r.Dir == "" {
		r.Dir = DefaultReportsDir
	}
}

// DefaultSignals are tenants[].signals when absent: the Copilot usage
// report, whose rows are only the Copilot holders (cheap) and which decides
// the most expensive add-on's verdict. The Apps usage report (a row per
// suite user, about 15 % on the nightly job at 100k users) and the
// activations and mailbox reports are read when listed.
func DefaultSignals() []string { return []string{"copilot_usage"} }

// Defaults fills cloud, report period, signals and auth method.
func (t *Tenant) Defaults() {
	if t.Cloud == "" {
		t.Cloud = DefaultCloud
	}
	if t.ReportPeriod == "" {
		t.ReportPeriod = DefaultReportPeriod
	}
	if t.Signals == nil {
		t.Signals = DefaultSignals()
	}
	if t.Auth.Method == "" {
		t.Auth.Method = DefaultAuthMethod
	}
}

// Defaults fills the ignore list when it is absent; an explicit empty list
// is kept. The day thresholds have meaningful zero values, so their
// defaults (90, 30) are seeded before decoding (see New).
func (r *Rules) Defaults() {
	if r.IgnoreSKUs == nil {
		r.IgnoreSKUs = DefaultIgnoreSKUs()
	}
}

// Defaults fills the reporting currency and each price's currency.
func (p *Pricing) Defaults() {
	if p.Currency == "" {
		p.Currency = DefaultCurrency
	}
	for i := range p.Prices {
		if p.Prices[i].Currency == "" {
			p.Prices[i].Currency = p.Currency
		}
	}
}

// New returns a Config holding the defaults of the fields whose zero value
// is meaningful (reports.excel, reports.keep, rules.inactivity_days,
// rules.grace_days), so that decoding a file over it keeps an explicit 0
// or false. Call Defaults after decoding to fill the rest.
func New() *Config {
	return &Config{
		Reports: Reports{Excel: true, Keep: DefaultReportsKeep},
		Rules:   Rules{InactivityDays: DefaultInactivityDays, GraceDays: DefaultGraceDays},
	}
}
