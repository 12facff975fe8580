package graphsim

import (
	"strings"
	"sync"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// GenOptions sizes and seeds a generated tenant.
type GenOptions struct {
	// Users is the number of directory users (members, guests, service
	// accounts). Negative counts are treated as zero.
	Users int
	// Seed makes the tenant reproducible: same seed and Now, same tenant.
	Seed int64
	// Now is the reference "today" (UTC); zero means time.Now(). Creation,
	// assignment and activity dates are relative to it.
	Now time.Time
	// TenantID is the directory id; empty derives one from Seed.
	TenantID string
	// Domain is the verified domain of member UPNs; default "contoso.example".
	Domain string
}

// Tenant is a generated tenant. It is safe for concurrent use; licence
// changes made through AssignLicense are kept in an overlay.
type Tenant struct {
	seed          int64
	users         int
	now           time.Time
	refresh       time.Time
	tenantID      string
	domain        string
	initialDomain string // <name>.onmicrosoft.com, home of guest UPNs
	companyName   string
	groupIDs      []string
	groupDis      [][numSKUs][]string // [group][sku] disabled plan ids
	directDis     [numSKUs][][]string // disabledChoices as plan ids
	deleted       int                 // deleted users still in the usage report

	mu        sync.RWMutex
	consumed  [numSKUs]int64
	prepaid   [numSKUs]extract.PrepaidUnits
	status    [numSKUs]string
	subs      []extract.Subscription
	overlay   map[int]licenceSet
	concealed bool

	delta deltaState // users/delta change history (churn.go)
}

// Generate builds a tenant in one pass over its users, counting the units
// each SKU consumes; memory stays flat whatever opts.Users is.
func Generate(opts GenOptions) *Tenant {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Domain == "" {
		opts.Domain = "contoso.example"
	}
	if opts.TenantID == "" {
		opts.TenantID = namedGUID(opts.Seed, "tenant", 0)
	}
	label := strings.Split(strings.ToLower(opts.Domain), ".")[0]
	t := &Tenant{
		seed: opts.Seed, users: max(opts.Users, 0), now: opts.Now.UTC().Truncate(time.Second),
		tenantID: strings.ToLower(opts.TenantID), domain: strings.ToLower(opts.Domain),
		initialDomain: label + ".onmicrosoft.com", companyName: titleDomain(label),
		overlay: map[int]licenceSet{},
	}
	t.refresh = day(t.now).AddDate(0, 0, -2) // Graph's usage reports lag two days
	t.deleted = t.users/40 + min(t.users, 1)
	t.resolvePlans()
	for i := 0; i < t.users; i++ {
		s := t.baseLicences(i, t.profile(i))
		for _, h := range s.holds() {
			if h.assigned() {
				t.consumed[h.sku]++
			}
		}
	}
	t.buySKUs()
	t.subs = t.buildSubscriptions()
	return t
}

func (t *Tenant) resolvePlans() {
	skuCatalog()
	t.groupIDs = make([]string, len(licenceGroups))
	t.groupDis = make([][numSKUs][]string, len(licenceGroups))
	for g, spec := range licenceGroups {
		t.groupIDs[g] = namedGUID(t.seed, "group:"+spec.name, g)
		for _, l := range spec.licences {
			t.groupDis[g][l.sku] = disabledIDs(l.sku, l.disabled)
		}
	}
	for k, choices := range disabledChoices {
		for _, names := range choices {
			t.directDis[k] = append(t.directDis[k], disabledIDs(k, names))
		}
	}
}

// TenantID returns the directory (tenant) id.
func (t *Tenant) TenantID() string { return t.tenantID }

// Domain returns the verified domain of member user principal names.
func (t *Tenant) Domain() string { return t.domain }

// Now returns the reference time the tenant was generated for.
func (t *Tenant) Now() time.Time { return t.now }

// UserCount returns the number of directory users.
func (t *Tenant) UserCount() int { return t.users }

// ReportRefreshDate is the usage report's "Report Refresh Date": Now
// minus two days, at midnight UTC.
func (t *Tenant) ReportRefreshDate() time.Time { return t.refresh }

// ReportSettings returns the tenant's admin report settings.
func (t *Tenant) ReportSettings() extract.ReportSettings {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return extract.ReportSettings{DisplayConcealedNames: t.concealed}
}

// SetReportSettings changes the report settings, as PATCH
// /admin/reportSettings does.
func (t *Tenant) SetReportSettings(s extract.ReportSettings) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.concealed = s.DisplayConcealedNames
}

// Groups returns the licence groups with their assigned licences.
func (t *Tenant) Groups() []extract.Group {
	out := make([]extract.Group, len(licenceGroups))
	for g, spec := range licenceGroups {
		out[g] = extract.Group{ID: t.groupIDs[g], DisplayName: spec.name}
		for _, l := range spec.licences {
			out[g].AssignedLicenses = append(out[g].AssignedLicenses, extract.AssignedLicense{
				SkuID: skuCatalog()[l.sku].id, DisabledPlans: t.groupDisabled(g, l.sku)})
		}
	}
	return out
}

// licences returns user i's current licences: the overlay when
// AssignLicense changed them, else the generated ones.
func (t *Tenant) licences(i int, p profile) licenceSet {
	t.mu.RLock()
	s, ok := t.overlay[i]
	t.mu.RUnlock()
	if ok {
		return s
	}
	return t.baseLicences(i, p)
}

func lower(s string) string { return strings.ToLower(s) }
