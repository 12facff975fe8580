package reclaim

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// Provision is what an assign, plans or unassign plan selects: which
// users of one tenant's latest snapshot, which SKU, and which service
// plans.
type Provision struct {
	Tenant string // "" when the warehouse holds one tenant
	SKU    string // part number
	// AllSKUs selects, for unassign instead of SKU, every SKU the
	// selected users hold.
	AllSKUs bool
	// Users are user principal names or object ids; CSV is a file of
	// them (UserPrincipalName or ObjectId, optional UsageLocation);
	// Departments select by department; Filter narrows the users so
	// selected by usage location, domain and on-premises OU, or, alone,
	// selects every user of the roster that passes it. At least one.
	Users       []string
	CSV         string
	Departments []string
	Filter      UserFilter
	// IncludeDisabled selects disabled accounts too (assign leaves them
	// out by default: a seat for nobody).
	IncludeDisabled bool
	// Plans are service plan names (or ids) of the SKU: for assign, the
	// plans left off; for plans, the plans switched on or off.
	Plans []string
	// Groups are object ids of licence groups to give the SKU to
	// (assign; group-based licensing gives it to their members), to
	// switch its plans for (plans) or to take it from (unassign); they
	// may stand alone or beside a user selection.
	Groups []string
}

// BuildProvision writes the items of an assign (op OpAssign), plans
// (OpPlans, enable says which way) or unassign (OpRemove) plan from the
// tenant's latest roster: assign takes the selected users that do not
// hold the SKU, plans and unassign those that do (unassign with AllSKUs:
// an item for each SKU a user holds). Unknown users, plans the SKU lacks
// and plans that cannot be switched off are errors naming them; nothing
// is planned then.
func (pl Planner) BuildProvision(ctx context.Context, sel Provision, op string, enable bool) (*Plan, error) {
	if err := sel.checkGroups(op); err != nil {
		return nil, err
	}
	if len(sel.Users) == 0 && sel.CSV == "" && len(sel.Departments) == 0 && len(sel.Groups) == 0 && sel.Filter.IsZero() {
		return nil, exit.UsageError(errors.New("select users: --user, --csv, --department, --usage-location, --domain or --ou (or --group)"))
	}
	if err := sel.Filter.Validate(); err != nil {
		return nil, exit.UsageError(err)
	}
	switch {
	case sel.AllSKUs && op != OpRemove:
		return nil, exit.UsageError(errors.New("--all-skus: only unassign takes every SKU"))
	case sel.AllSKUs && sel.SKU != "":
		return nil, exit.UsageError(errors.New("--sku and --all-skus: pass one of them"))
	case sel.AllSKUs && len(sel.Groups) > 0:
		return nil, exit.UsageError(errors.New("--group with --all-skus: name the SKU to take from the groups with --sku"))
	case sel.SKU == "" && !sel.AllSKUs && op == OpRemove:
		return nil, exit.UsageError(errors.New("--sku or --all-skus is required"))
	case sel.SKU == "" && !sel.AllSKUs:
		return nil, exit.UsageError(errors.New("--sku is required"))
	}
	if op == OpPlans && len(sel.Plans) == 0 {
		return nil, exit.UsageError(errors.New("--plan is required: the service plans to switch"))
	}
	w, err := pl.Warehouse.OpenRead(ctx)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	tenant, err := oneTenant(ctx, w, sel.Tenant)
	if err != nil {
		return nil, err
	}
	skus, err := tenantSKUs(ctx, w, tenant, sel)
	if err != nil {
		return nil, err
	}
	flag := "--plan"
	if op == OpAssign {
		flag = "--disable-plan"
	}
	planIDs, names, err := resolvePlans(flag, skus[0], sel.Plans, op == OpPlans && enable)
	if err != nil {
		return nil, exit.UsageError(err)
	}
	roster, err := w.LatestRoster(ctx, tenant)
	if err != nil {
		return nil, err
	}
	picked, err := pl.pickUsers(sel, roster)
	if err != nil {
		return nil, err
	}
	now := pl.Now.UTC()
	p := &Plan{ID: NewID(now), CreatedAt: now, Operation: op, Source: "roster", Filters: sel.describe()}
	if sel.CSV != "" {
		p.Source = "csv:" + sel.CSV
	}
	// change is what every item changes: the SKU's plans left off
	// (assign), the plans switched on or off (plans), or nothing more than
	// the SKU taken (unassign: listed by hand, not a candidate).
	change := Item{Reason: "assign", DisabledPlans: planIDs}
	switch op {
	case OpRemove:
		change = Item{Reason: ReasonUnassign, Forced: true}
	case OpPlans:
		change = Item{Reason: "disable " + strings.Join(names, ","), DisablePlans: planIDs}
		if enable {
			change = Item{Reason: "enable " + strings.Join(names, ","), EnablePlans: planIDs}
		}
	}
	skipped := map[string]int{}
	for _, u := range picked {
		if !sel.Filter.Match(UserFields{UserPrincipalName: u.user.UserPrincipalNameLower,
			UsageLocation: u.user.UsageLocation, OnPremisesDistinguishedName: u.user.OnPremisesDistinguishedName}) {
			skipped["do not pass --usage-location, --domain or --ou"]++
			continue
		}
		var none string // why the user got no item, if it got none
		n := len(p.Items)
		for _, sku := range skus {
			held := slices.Contains(u.user.SkuIDs, strings.ToLower(sku.SkuID))
			switch {
			case op == OpAssign && held:
				none = "hold " + sku.SkuPartNumber + " already"
				continue
			case op != OpAssign && !held && sel.AllSKUs:
				none = "hold no licence"
				continue
			case op != OpAssign && !held:
				none = "do not hold " + sku.SkuPartNumber
				continue
			case op == OpAssign && !u.user.AccountEnabled && !sel.IncludeDisabled:
				none = "are disabled accounts (--include-disabled)"
				continue
			}
			it := change
			it.Tenant, it.UserID, it.UserPrincipalName, it.SkuID, it.SkuPartNumber, it.CSVLine =
				tenant, u.user.UserID, u.user.UserPrincipalNameLower, sku.SkuID, sku.SkuPartNumber, u.line
			if op == OpAssign {
				it.UsageLocation = u.location
			}
			p.Items = append(p.Items, it)
		}
		if len(p.Items) == n {
			skipped[none]++
		}
	}
	for why, n := range skipped {
		fmt.Fprintf(pl.Stderr, "plan: %d selected users left out: they %s\n", n, why)
	}
	p.Items = append(p.Items, groupItems(sel, tenant, skus[0], change)...)
	if len(p.Items) == 0 {
		return nil, errors.New("plan: no user left to plan: nothing to do")
	}
	return p, nil
}

func (sel Provision) describe() map[string]string {
	m := map[string]string{"sku": sel.SKU}
	add := func(k string, v []string) {
		if len(v) > 0 {
			m[k] = strings.Join(v, ",")
		}
	}
	add("tenant", []string{sel.Tenant})
	add("user", sel.Users)
	add("department", sel.Departments)
	add("plan", sel.Plans)
	add("group", sel.Groups)
	if sel.IncludeDisabled {
		m["include_disabled"] = "true"
	}
	sel.Filter.describe(m)
	if m["tenant"] == "" {
		delete(m, "tenant")
	}
	return m
}

// oneTenant is the tenant named, or the warehouse's only one.
func oneTenant(ctx context.Context, w Reader, name string) (string, error) {
	tenants, err := w.LatestTenants(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case name != "" && slices.Contains(tenants, name):
		return name, nil
	case name != "":
		return "", exit.UsageError(fmt.Errorf("--tenant %s: no snapshot of it in the warehouse (tenants: %s)", name, strings.Join(tenants, ", ")))
	case len(tenants) == 1:
		return tenants[0], nil
	case len(tenants) == 0:
		return "", errors.New("the warehouse holds no snapshot yet: run seatledger run first")
	}
	return "", exit.UsageError(fmt.Errorf("the warehouse holds several tenants (%s): pass --tenant", strings.Join(tenants, ", ")))
}

// tenantSKUs are the SKUs sel names: --sku, or with AllSKUs every SKU
// the tenant subscribes to.
func tenantSKUs(ctx context.Context, w Reader, tenant string, sel Provision) ([]load.TenantSKU, error) {
	if !sel.AllSKUs {
		k, err := tenantSKU(ctx, w, tenant, sel.SKU)
		return []load.TenantSKU{k}, err
	}
	all, err := w.LatestSKUs(ctx, "")
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(k load.TenantSKU) bool { return k.Tenant != tenant })
	if len(all) == 0 {
		return nil, fmt.Errorf("tenant %s subscribes to no SKU in its latest snapshot: nothing to unassign", tenant)
	}
	return all, nil
}

// tenantSKU finds part among the tenant's subscribed SKUs.
func tenantSKU(ctx context.Context, w Reader, tenant, part string) (load.TenantSKU, error) {
	skus, err := w.LatestSKUs(ctx, part)
	if err != nil {
		return load.TenantSKU{}, err
	}
	for _, k := range skus {
		if k.Tenant == tenant {
			return k, nil
		}
	}
	return load.TenantSKU{}, exit.UsageError(fmt.Errorf("--sku %s: tenant %s has no such SKU in its latest snapshot", part, tenant))
}

// resolvePlans turns service plan names (or ids) of the SKU, given by
// flag, into plan ids by the catalogue, with their names. Switching a plan
// off (enabling false) must not name one that cannot be.
func resolvePlans(flag string, sku load.TenantSKU, plans []string, enabling bool) (ids, names []string, err error) {
	if len(plans) == 0 {
		return nil, nil, nil
	}
	cat, err := transform.Catalog()
	if err != nil {
		return nil, nil, err
	}
	entry, ok := cat.ByID(strings.ToLower(sku.SkuID))
	var errs []error
	for _, name := range plans {
		if fixed, isFixed := transform.FixedPlan(name); isFixed && !enabling {
			errs = append(errs, fmt.Errorf("%s %s: service plan %s cannot be switched off", flag, name, fixed))
			continue
		}
		var id string
		if ok {
			for _, p := range entry.Plans {
				if strings.EqualFold(p.Name, name) || strings.EqualFold(p.ID, name) {
					id, name = p.ID, p.Name
					break
				}
			}
		}
		if id == "" {
			errs = append(errs, fmt.Errorf("%s %s: not a service plan of %s in the catalogue", flag, name, sku.SkuPartNumber))
			continue
		}
		ids, names = append(ids, id), append(names, name)
	}
	return ids, names, errors.Join(errs...)
}

// picked is one selected user, with the CSV line and usage location that
// selected it (if any).
type picked struct {
	user     load.RosterUser
	line     int
	location string
}

// pickUsers selects from the roster the users named by --user, listed in
// the CSV or in the departments; a name or row matching nobody is an
// error naming it (rows by line number).
func (pl Planner) pickUsers(sel Provision, roster []load.RosterUser) ([]picked, error) {
	byID, byUPN := map[string]int{}, map[string]int{}
	for i, u := range roster {
		byID[strings.ToLower(u.UserID)], byUPN[u.UserPrincipalNameLower] = i, i
	}
	find := func(who string) (int, bool) {
		if i, ok := byID[strings.ToLower(who)]; ok {
			return i, true
		}
		i, ok := byUPN[strings.ToLower(who)]
		return i, ok
	}
	var out []picked
	seen := map[int]bool{}
	add := func(p picked, i int) {
		if !seen[i] {
			seen[i] = true
			out = append(out, p)
		}
	}
	var errs, lineErrs []error
	for _, who := range sel.Users {
		i, ok := find(who)
		if !ok {
			errs = append(errs, fmt.Errorf("--user %s: no such user in the latest snapshot", who))
			continue
		}
		add(picked{user: roster[i]}, i)
	}
	if sel.CSV != "" {
		rows, err := readCSV(sel.CSV, false)
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			return nil, exit.UsageError(fmt.Errorf("--csv %s: %w", sel.CSV, err))
		}
		if err != nil {
			lineErrs = append(lineErrs, err)
		}
		for _, r := range rows {
			who := r.ObjectID
			if who == "" {
				who = r.UserPrincipalName
			}
			i, ok := find(who)
			if !ok {
				lineErrs = append(lineErrs, &LineError{Line: r.Line, Msg: "no such user in the latest snapshot"})
				continue
			}
			add(picked{user: roster[i], line: r.Line, location: r.UsageLocation}, i)
		}
	}
	onlyFilter := len(sel.Users) == 0 && sel.CSV == "" && len(sel.Departments) == 0 && !sel.Filter.IsZero()
	for i, u := range roster {
		if onlyFilter || slices.ContainsFunc(sel.Departments, func(d string) bool { return strings.EqualFold(d, u.Department) }) {
			add(picked{user: u}, i)
		}
	}
	if len(lineErrs) > 0 {
		errs = append(errs, pl.csvProblems(errors.Join(lineErrs...)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, exit.UsageError(err)
	}
	return out, nil
}

// checkGroups refuses --group outside assign, plans and unassign, and
// group ids that are not object ids (a display name would reach Graph as
// a path).
func (sel Provision) checkGroups(op string) error {
	if len(sel.Groups) == 0 {
		return nil
	}
	if op != OpAssign && op != OpPlans && op != OpRemove {
		return exit.UsageError(errors.New("--group: only assign, plans and unassign target groups"))
	}
	var errs []error
	for _, g := range sel.Groups {
		if !guidRE.MatchString(g) {
			errs = append(errs, fmt.Errorf("--group %s: not an object id (a GUID)", g))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return exit.UsageError(err)
	}
	return nil
}

// guidRE matches an object id.
var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// groupItems are the items of --group, one per group, each as a user's
// item of the plan would be (apply reads each group live; a group carrying
// the SKU already, or for plans and unassign not carrying it, is left
// alone).
func groupItems(sel Provision, tenant string, sku load.TenantSKU, like Item) []Item {
	var out []Item
	for _, g := range sel.Groups {
		if slices.ContainsFunc(out, func(it Item) bool { return strings.EqualFold(it.GroupID, g) }) {
			continue
		}
		it := like
		it.Tenant, it.GroupID, it.SkuID, it.SkuPartNumber = tenant, strings.ToLower(g), sku.SkuID, sku.SkuPartNumber
		out = append(out, it)
	}
	return out
}
