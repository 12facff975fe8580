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
	// Seed makes the tenant reproducible: same seed, Now's date, Day,
	// DailyChurn and CopilotSeats, same tenant.
	Seed int64
	// Now is the reference "today" (UTC); zero means time.Now(). The usage
	// report's refresh date and the recent activity are relative to it;
	// creation and assignment dates are relative to the origin, midnight
	// UTC of Now's date minus Day days.
	Now time.Time
	// Day is how many days the tenant has lived since its origin: each
	// day applies Churn(DailyChurn, Seed) once, stamped within that day,
	// and moves activity on by a day (active users stay recent, idle
	// users' last activity stays where it was). Day D+1 with Now one day
	// later is day D plus exactly one more day of churn. Negative counts
	// are treated as zero.
	Day int
	// DailyChurn is the fraction of users each day changes, adds or
	// deletes (see Churn); 0 means a tenant that only ages.
	DailyChurn float64
	// TenantID is the directory id; empty derives one from Seed.
	TenantID string
	// Domain is the verified domain of member UPNs; default "contoso.example".
	Domain string
	// CopilotSeats is the share (0 to 1) of members holding a Microsoft
	// 365 or Office 365 suite (SPE_E3, SPE_E5, ENTERPRISEPACK,
	// STANDARDPACK: Copilot's prerequisites) who also hold Microsoft 365
	// Copilot (Microsoft_365_Copilot, assigned directly). Above 0, the
	// tenant buys the SKU (listed last in subscribedSkus and
	// subscriptions) and the Copilot usage report has rows; 0, the
	// default, leaves the tenant exactly as without the option.
	CopilotSeats float64
	// NoEntraPremium serves the tenant as one without Microsoft Entra ID
	// P1 or P2: users' signInActivity and the sign-in logs answer 403
	// Authentication_RequestFromNonPremiumTenantOrB2CTenant. Without it
	// the tenant has premium, as its SPE_E3 and SPE_E5 carry AAD_PREMIUM.
	// Nothing else changes.
	NoEntraPremium bool
}

// Tenant is a generated tenant. It is safe for concurrent use; licence,
// group and usage location changes are kept in overlays.
type Tenant struct {
	seed          int64
	users         int // directory users, those added by Churn included
	base          int // users generated at the origin; Churn adds from here
	now           time.Time
	origin        time.Time   // midnight UTC the tenant was generated at (Now's date minus Day)
	day           int         // days lived since the origin
	churnDay      int         // the day Generate's daily Churn is in; 0 outside it
	born          []time.Time // creation time of user base+k, added by Churn
	genAt         time.Time   // real time of Generate, for clock()
	refresh       time.Time
	tenantID      string
	domain        string
	initialDomain string // <name>.onmicrosoft.com, home of guest UPNs
	titleDom      string // domain with its first letter upper-cased (mixed-case UPNs)
	companyName   string
	groupIDs      []string
	groupDis      [][numSKUs][]string // [group][sku] disabled plan ids
	directDis     [numSKUs][][]string // disabledChoices as plan ids
	deleted       int                 // deleted users still in the usage report
	skus          int                 // SKUs bought: numSKUs, or numSKUs-1 without Copilot (the last)
	copilot       float64             // GenOptions.CopilotSeats
	premium       bool                // Entra ID P1 or P2 (EntraPremium)

	mu        sync.RWMutex
	consumed  [numSKUs]int64
	prepaid   [numSKUs]extract.PrepaidUnits
	status    [numSKUs]string
	subs      []extract.Subscription
	overlay   map[int]licenceSet
	reported  map[int]*licenceSet // overlay as the usage report saw it (daily churn before the refresh date); never changed
	concealed bool
	groups    *groupState    // licence groups' SKUs and changes (manage.go); replaced, never changed in place
	locations map[int]string // usage locations set by PATCH /users ("" = cleared)

	delta deltaState // users/delta change history (churn.go)

	signInMu sync.Mutex
	signIns  *signInCache // sign-in habits of the directory (signinlog.go)
}

// Generate builds a tenant in one pass over its users, counting the units
// each SKU consumes, then lets it live opts.Day days; memory stays flat
// whatever opts.Users is (plus the users churn changed).
func Generate(opts GenOptions) *Tenant {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Day = max(opts.Day, 0)
	if opts.Domain == "" {
		opts.Domain = "contoso.example"
	}
	if opts.TenantID == "" {
		opts.TenantID = namedGUID(opts.Seed, "tenant", 0)
	}
	label := strings.Split(strings.ToLower(opts.Domain), ".")[0]
	t := &Tenant{
		seed: opts.Seed, users: max(opts.Users, 0), now: opts.Now.UTC().Truncate(time.Second),
		day: opts.Day, genAt: time.Now(),
		tenantID: strings.ToLower(opts.TenantID), domain: strings.ToLower(opts.Domain),
		initialDomain: label + ".onmicrosoft.com", companyName: titleDomain(label),
		overlay: map[int]licenceSet{}, skus: numSKUs - 1, copilot: min(max(opts.CopilotSeats, 0), 1),
	}
	if t.copilot > 0 {
		t.skus = numSKUs
	}
	t.base = t.users
	t.titleDom = titleDomain(t.domain)
	t.origin = day(t.now).AddDate(0, 0, -opts.Day)
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
	t.live(opts.Day, opts.DailyChurn)
	t.subs = t.buildSubscriptions()
	t.premium = !opts.NoEntraPremium && t.holdsEntraPremium()
	return t
}

// live lets the generated tenant live days days: one Churn(fraction,
// seed) a day, each change stamped within its day. The usage report, two
// days behind, sees the licences as they stood after day days-1.
func (t *Tenant) live(days int, fraction float64) {
	for d := 1; d <= days; d++ {
		if d == days {
			t.reported = snapshot(t.overlay)
		}
		t.churnDay = d
		t.Churn(fraction, t.seed)
	}
	t.churnDay = 0
	t.trueUp()
}

// snapshot copies an overlay for the usage reports, which look up every
// user in it: pointers, so that a lookup copies no licence set.
func snapshot(overlay map[int]licenceSet) map[int]*licenceSet {
	out := make(map[int]*licenceSet, len(overlay))
	for i, s := range overlay {
		out[i] = &s
	}
	return out
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
	t.groups = generatedGroups(t.groupDis)
}

// TenantID returns the directory (tenant) id.
func (t *Tenant) TenantID() string { return t.tenantID }

// Domain returns the verified domain of member user principal names.
func (t *Tenant) Domain() string { return t.domain }

// Now returns the tenant's "today": GenOptions.Now, to the second.
func (t *Tenant) Now() time.Time { return t.now }

// Origin returns the midnight (UTC) the tenant was generated at: Now's
// date minus Day days. Creation and assignment dates are relative to it.
func (t *Tenant) Origin() time.Time { return t.origin }

// Day returns how many days the tenant has lived since its origin.
func (t *Tenant) Day() int { return t.day }

// clock is the tenant's business time: Now, advancing with real time
// since Generate (assignLicense stamps its changes with it).
func (t *Tenant) clock() time.Time { return t.now.Add(time.Since(t.genAt)) }

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

// Groups returns the licence groups with their assigned licences, as
// group licence changes left them.
func (t *Tenant) Groups() []extract.Group {
	t.mu.RLock()
	gs := t.groups
	t.mu.RUnlock()
	out := make([]extract.Group, len(licenceGroups))
	for g := range licenceGroups {
		out[g] = t.group(gs, g)
	}
	return out
}

// licences returns user i's current licences (the overlay when
// AssignLicense, Churn or a membership change made one, else the
// generated ones; group licence changes since applied), the group state
// they were read with, and the usage location PATCH /users set (set false:
// none set).
func (t *Tenant) licences(i int, p profile) (s licenceSet, gs *groupState, loc string, set bool) {
	t.mu.RLock()
	s, ok := t.overlay[i]
	gs = t.groups
	loc, set = t.locations[i]
	t.mu.RUnlock()
	if !ok {
		s = t.baseLicences(i, p)
	}
	gs.replay(i, &s)
	return s, gs, loc, set
}

func lower(s string) string { return strings.ToLower(s) }
