package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// Enumerations accepted by Validate.
var (
	Clouds        = []string{"global", "usgov", "usgovdod", "china", "custom"}
	AuthMethods   = []string{"client_secret", "client_certificate", "managed_identity", "workload_identity", "default"}
	ReportPeriods = []string{"D7", "D30", "D90", "D180"}
)

var tenantNameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)

func validateTenants(ck *checker, ts []Tenant) {
	byName := map[string]int{}
	byEnv := map[string]int{}
	for i, t := range ts {
		p := fmt.Sprintf("tenants[%d]", i)
		t.validate(ck, p)
		if t.Name == "" || !tenantNameRE.MatchString(t.Name) {
			continue
		}
		if j, ok := byName[t.Name]; ok {
			ck.add(p+".name", "duplicate of tenants[%d], got %q", j, t.Name)
			continue
		}
		byName[t.Name] = i
		env := TenantEnvName(t.Name)
		if j, ok := byEnv[env]; ok {
			ck.add(p+".name", "same environment variable names (SEATLEDGER_TENANTS_%s_*) as tenants[%d], got %q", env, j, t.Name)
			continue
		}
		byEnv[env] = i
	}
}

func (t Tenant) validate(ck *checker, p string) {
	switch {
	case t.Name == "":
		ck.add(p+".name", "required")
	case !tenantNameRE.MatchString(t.Name):
		ck.add(p+".name", "must match [a-z0-9_-]+, got %q", t.Name)
	}
	switch {
	case t.TenantID == "":
		ck.add(p+".tenant_id", "required")
	case !IsGUID(t.TenantID):
		ck.add(p+".tenant_id", "must be a GUID, got %q", t.TenantID)
	}
	t.validateCloud(ck, p)
	t.Auth.validate(ck, p+".auth")
	if !slices.Contains(ReportPeriods, t.ReportPeriod) {
		ck.add(p+".report_period", "must be one of %s; got %q", strings.Join(ReportPeriods, ", "), t.ReportPeriod)
	}
	if t.DefaultUsageLocation != "" && !usageLocationRE.MatchString(t.DefaultUsageLocation) {
		ck.add(p+".default_usage_location", "must be a two-letter ISO 3166 code in capitals such as DE, got %q", t.DefaultUsageLocation)
	}
	t.validateLimits(ck, p+".limits")
	for i, name := range t.Signals {
		switch {
		case !slices.Contains(extract.SignalDatasets, name):
			ck.add(fmt.Sprintf("%s.signals[%d]", p, i), "must be one of %s; got %q", strings.Join(extract.SignalDatasets, ", "), name)
		case slices.Index(t.Signals, name) < i:
			ck.add(fmt.Sprintf("%s.signals[%d]", p, i), "duplicate of signals[%d], got %q", slices.Index(t.Signals, name), name)
		}
	}
}

var (
	usageLocationRE = regexp.MustCompile(`^[A-Z]{2}$`)
	// skuPartNumberRE admits Microsoft's SKU part numbers (SPE_E3,
	// Microsoft_365_Copilot, DYN365_ENTERPRISE_P1_IW, ...).
	skuPartNumberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// validateLimits checks tenants[].limits: SKU part numbers, each once
// whatever its case, and limits of at least 0.
func (t Tenant) validateLimits(ck *checker, p string) {
	keys := make([]string, 0, len(t.Limits))
	for k := range t.Limits {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := map[string]string{}
	for _, k := range keys {
		switch {
		case !skuPartNumberRE.MatchString(k):
			ck.add(p+"."+k, "must be keyed by a SKU part number such as SPE_E3, got %q", k)
		case seen[strings.ToUpper(k)] != "":
			ck.add(p+"."+k, "same SKU as %s.%s (part numbers compare case-insensitively)", p, seen[strings.ToUpper(k)])
		case t.Limits[k] < 0:
			ck.add(p+"."+k, "must be at least 0 seats, got %d", t.Limits[k])
		}
		if seen[strings.ToUpper(k)] == "" {
			seen[strings.ToUpper(k)] = k
		}
	}
}

func (t Tenant) validateCloud(ck *checker, p string) {
	if !slices.Contains(Clouds, t.Cloud) {
		ck.add(p+".cloud", "must be one of %s; got %q", strings.Join(Clouds, ", "), t.Cloud)
		return
	}
	for _, kv := range [][2]string{{"authority_host", t.AuthorityHost}, {"graph_endpoint", t.GraphEndpoint}} {
		key, v := kv[0], kv[1]
		switch {
		case t.Cloud != "custom" && v != "":
			ck.add(p+"."+key, "only allowed with cloud custom (cloud is %s), got %q", t.Cloud, v)
		case t.Cloud == "custom" && v == "":
			ck.add(p+"."+key, "required with cloud custom")
		case t.Cloud == "custom" && !httpsURL(v):
			ck.add(p+"."+key, "must be an https:// URL with a host, got %q", v)
		}
	}
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// authFields lists, per method, the fields that may be set; required ones
// are marked true.
var authFields = map[string]map[string]bool{
	"client_secret":      {"client_id": true, "client_secret_env": false, "client_secret_file": false},
	"client_certificate": {"client_id": true, "certificate_file": true, "certificate_password_env": false},
	"managed_identity":   {"managed_identity_client_id": false},
	"workload_identity":  {"client_id": true, "federated_token_file": false},
	"default":            {"managed_identity_client_id": false},
}

func (a Auth) fields() [][2]string {
	return [][2]string{
		{"client_id", a.ClientID}, {"client_secret_env", a.ClientSecretEnv},
		{"client_secret_file", a.ClientSecretFile}, {"certificate_file", a.CertificateFile},
		{"certificate_password_env", a.CertificatePasswordEnv},
		{"managed_identity_client_id", a.ManagedIdentityClientID},
		{"federated_token_file", a.FederatedTokenFile},
	}
}

func (a Auth) validate(ck *checker, p string) {
	allowed, ok := authFields[a.Method]
	if !ok {
		ck.add(p+".method", "must be one of %s; got %q", strings.Join(AuthMethods, ", "), a.Method)
		return
	}
	for _, kv := range a.fields() {
		key, v := kv[0], kv[1]
		required, known := allowed[key]
		switch {
		case !known && v != "":
			ck.add(p+"."+key, "not used by method %s, got %q", a.Method, v)
		case required && v == "":
			ck.add(p+"."+key, "required by method %s", a.Method)
		}
	}
	if a.ClientID != "" && !IsGUID(a.ClientID) {
		ck.add(p+".client_id", "must be a GUID, got %q", a.ClientID)
	}
	if a.ManagedIdentityClientID != "" && !IsGUID(a.ManagedIdentityClientID) {
		ck.add(p+".managed_identity_client_id", "must be a GUID, got %q", a.ManagedIdentityClientID)
	}
	if a.Method == "client_secret" && (a.ClientSecretEnv == "") == (a.ClientSecretFile == "") {
		ck.add(p, "method client_secret needs exactly one of client_secret_env or client_secret_file")
	}
}
