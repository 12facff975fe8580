package reclaim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/load"
)

// Selection is which licences a plan takes: the current candidates
// matching the filters, the current rightsizing rows matching them, or
// the rows of a CSV.
type Selection struct {
	Tenants     []string
	Reasons     []string
	SKUs        []string // SKU part numbers
	Departments []string
	MinIdleDays int
	// Users keeps only the users it matches, of the candidates and of
	// the CSV's rows (a row it refuses is reported as refused).
	Users UserFilter
	// CSV names a file of rows to plan instead of the candidates.
	CSV string
	// ForceListed plans CSV rows that are not current candidates too.
	ForceListed bool
	// Rightsizing plans the rows of mart_rightsizing instead of the
	// candidates (remove: the rows with no replacement; replace: those
	// with one); Rules and Confidences narrow them, and so do Tenants,
	// SKUs (the from SKU), Departments and Users. Not with CSV, Reasons
	// or MinIdleDays.
	Rightsizing bool
	Rules       []string
	Confidences []string
}

// Planner builds plans from the warehouse's latest snapshots.
type Planner struct {
	Warehouse Warehouse
	Stderr    io.Writer // each refused CSV row, one a line
	Now       time.Time
}

// Build selects the plan's rows from the warehouse (opened read-only and
// closed before it returns): the candidates matching sel, the rightsizing
// rows matching it, or the rows of sel.CSV. For replace, from and to are
// SKU part numbers (with sel.Rightsizing, optional filters: each row has
// its own target).
func (pl Planner) Build(ctx context.Context, sel Selection, op, from, to string) (*Plan, error) {
	if err := errors.Join(sel.Users.Validate(), sel.checkSource()); err != nil {
		return nil, exit.UsageError(err)
	}
	w, err := pl.Warehouse.OpenRead(ctx)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	now := pl.Now.UTC()
	p := &Plan{ID: NewID(now), CreatedAt: now, Operation: op, Source: "candidates", Filters: sel.describe(from, to)}
	switch {
	case sel.Rightsizing:
		p.Source = "rightsizing"
		p.Items, err = pl.fromRightsizing(ctx, w, sel, op, from, to)
	case sel.CSV != "":
		p.Source = "csv:" + sel.CSV
		p.Items, err = pl.fromCSV(ctx, w, sel, from)
	default:
		if from != "" {
			sel.SKUs = []string{from}
		}
		p.Items, err = pl.fromCandidates(ctx, w, sel)
	}
	if err != nil {
		return nil, err
	}
	if op == OpReplace && !sel.Rightsizing {
		if err := setTarget(ctx, w, p.Items, to); err != nil {
			return nil, err
		}
	}
	if len(p.Items) == 0 {
		return nil, errors.New("plan: no licence matches: nothing to plan")
	}
	return p, nil
}

// SavePlan writes p (to path, or reclaim-plan-<id>.json) and says on out
// what it holds; it returns the path.
func SavePlan(out io.Writer, path string, p *Plan) (string, error) {
	if path == "" {
		path = "reclaim-plan-" + p.ID + ".json"
	}
	if err := WritePlan(path, p); err != nil {
		return "", err
	}
	counts := map[string]int{}
	var keys []string
	for _, it := range p.Items {
		sku := it.SkuPartNumber
		if it.ToSkuPartNumber != "" {
			sku += " -> " + it.ToSkuPartNumber
		}
		k := fmt.Sprintf("%s %s %s", it.Tenant, sku, it.Reason)
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	fmt.Fprintf(out, "plan %s: %d licences (%s) written to %s\n", p.ID, len(p.Items), p.Operation, path)
	for _, k := range keys {
		fmt.Fprintf(out, "  %5d  %s\n", counts[k], k)
	}
	return path, nil
}

func (sel Selection) describe(from, to string) map[string]string {
	m := map[string]string{}
	add := func(k string, v []string) {
		if len(v) > 0 {
			m[k] = strings.Join(v, ",")
		}
	}
	add("tenant", sel.Tenants)
	add("reason", sel.Reasons)
	add("sku", sel.SKUs)
	add("department", sel.Departments)
	add("rule", sel.Rules)
	add("confidence", sel.Confidences)
	sel.Users.describe(m)
	if sel.MinIdleDays > 0 {
		m["min_idle_days"] = fmt.Sprint(sel.MinIdleDays)
	}
	if from != "" {
		m["from"] = from
	}
	if to != "" {
		m["to"] = to
	}
	if sel.ForceListed {
		m["force_listed"] = "true"
	}
	return m
}

// fromCandidates plans the candidates matching sel. When --ou finds no
// candidate with an on-premises DN at all, it says so on Stderr: the
// warehouse may predate the field (stored from the next run on).
func (pl Planner) fromCandidates(ctx context.Context, w Reader, sel Selection) ([]Item, error) {
	cands, err := w.ReclaimCandidates(ctx, load.CandidateFilter{Tenants: sel.Tenants, Reasons: sel.Reasons,
		SKUs: sel.SKUs, Departments: sel.Departments, MinIdleDays: sel.MinIdleDays})
	if err != nil {
		return nil, err
	}
	var items []Item
	anyDN := false
	for _, c := range cands {
		anyDN = anyDN || c.OnPremisesDistinguishedName != ""
		if sel.Users.Match(UserFields{UserPrincipalName: c.UserPrincipalName, UsageLocation: c.UsageLocation,
			OnPremisesDistinguishedName: c.OnPremisesDistinguishedName}) {
			items = append(items, candidateItem(c))
		}
	}
	if len(sel.Users.OUs) > 0 && len(cands) > 0 && !anyDN {
		fmt.Fprintln(pl.Stderr, "note: --ou: no candidate has an on-premises distinguished name "+
			"(cloud-only users, or a warehouse whose last run predates onPremisesDistinguishedName)")
	}
	return items, nil
}

// candidateItem turns a candidate into a plan item.
func candidateItem(c load.Candidate) Item {
	return Item{Tenant: c.Tenant, UserID: c.UserID, UserPrincipalName: c.UserPrincipalName, SkuID: c.SkuID,
		SkuPartNumber: c.SkuPartNumber, Reason: c.Reason, Reasons: c.Reasons, IdleDays: c.IdleDays, Action: c.Action,
		AssignedByGroups: c.AssignedByGroups, Currency: c.Currency, AnnualSavings: c.AnnualSavings}
}

// setTarget fills the replacement SKU of every item from the tenant's
// latest subscribedSkus.
func setTarget(ctx context.Context, w Reader, items []Item, to string) error {
	skus, err := w.LatestSKUs(ctx, to)
	if err != nil {
		return err
	}
	ids, names := map[string]string{}, map[string]string{}
	for _, k := range skus {
		ids[k.Tenant], names[k.Tenant] = k.SkuID, k.SkuPartNumber
	}
	for i := range items {
		id, ok := ids[items[i].Tenant]
		if !ok {
			return exit.UsageError(fmt.Errorf("--to %s: tenant %s has no such SKU in its latest snapshot", to, items[i].Tenant))
		}
		if id == items[i].SkuID {
			return exit.UsageError(fmt.Errorf("--to %s: the same SKU as --from", to))
		}
		items[i].ToSkuID, items[i].ToSkuPartNumber = id, names[items[i].Tenant]
	}
	return nil
}

// readCSV opens and parses a reclaim CSV.
func readCSV(path string, requireSKU bool) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, exit.UsageError(fmt.Errorf("--csv: %w", err))
	}
	defer f.Close()
	return ParseCSV(f, requireSKU)
}

// fromCSV resolves the rows of sel.CSV against the latest snapshot: the
// user (by object id or user principal name, case-insensitively) must
// hold the SKU, and the pair must be a current candidate unless
// ForceListed. Every bad row is reported with its line number (object
// ids, never names, in the messages); any bad row means no plan. For
// replace, the SKU is from and the SkuPartNumber column is optional.
func (pl Planner) fromCSV(ctx context.Context, w Reader, sel Selection, from string) ([]Item, error) {
	rows, err := readCSV(sel.CSV, from == "")
	var errs []error
	var le *LineError
	switch {
	case errors.As(err, &le): // bad lines: resolve the others too, report all
		errs = append(errs, err)
	case err != nil:
		return nil, exit.UsageError(fmt.Errorf("--csv %s: %w", sel.CSV, err))
	}
	tenants, err := w.LatestTenants(ctx)
	if err != nil {
		return nil, err
	}
	var ids, upns []string
	for _, r := range rows {
		ids, upns = append(ids, r.ObjectID), append(upns, strings.ToLower(r.UserPrincipalName))
	}
	held, err := w.UserLicencesOf(ctx, ids, upns)
	if err != nil {
		return nil, err
	}
	list, err := w.ReclaimCandidatesOf(ctx, ids, upns)
	if err != nil {
		return nil, err
	}
	cands := map[string]Item{}
	for _, c := range list {
		cands[c.Tenant+"/"+c.UserID+"/"+c.SkuID] = candidateItem(c)
	}
	var items []Item
	seen := map[string]int{}
	for _, r := range rows {
		it, msg := resolveRow(r, sel, from, tenants, held, cands)
		if msg == "" {
			key := it.Tenant + "/" + it.UserID + "/" + it.SkuID
			if first, dup := seen[key]; dup {
				msg = fmt.Sprintf("same user and SKU as line %d", first)
			}
			seen[key] = r.Line
		}
		if msg != "" {
			errs = append(errs, &LineError{Line: r.Line, Msg: msg})
			continue
		}
		items = append(items, it)
	}
	if len(errs) > 0 {
		return nil, pl.csvProblems(errors.Join(errs...))
	}
	return items, nil
}

// csvProblems prints each problem of a CSV and returns a usage error
// counting them.
func (pl Planner) csvProblems(err error) error {
	var lines []*LineError
	var walk func(error)
	walk = func(err error) {
		if le, ok := err.(*LineError); ok {
			lines = append(lines, le)
		} else if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	slices.SortStableFunc(lines, func(a, b *LineError) int { return a.Line - b.Line })
	for _, e := range lines {
		fmt.Fprintf(pl.Stderr, "csv: %v\n", e)
	}
	return exit.UsageError(fmt.Errorf("--csv: %d rows refused (see above); no plan written", len(lines)))
}

// resolveRow turns one CSV row into a plan item, or says what is wrong.
func resolveRow(r Row, sel Selection, from string, tenants []string, held []load.UserLicence, cands map[string]Item) (Item, string) {
	tenant := r.Tenant
	switch {
	case tenant != "":
	case len(sel.Tenants) == 1:
		tenant = sel.Tenants[0]
	case len(tenants) == 1:
		tenant = tenants[0]
	default:
		return Item{}, "the warehouse holds several tenants: add a Tenant column or pass one --tenant"
	}
	sku := r.SkuPartNumber
	if from != "" {
		if sku != "" && !strings.EqualFold(sku, from) {
			return Item{}, fmt.Sprintf("SkuPartNumber %s is not --from %s", sku, from)
		}
		sku = from
	}
	who := "UserPrincipalName"
	if r.ObjectID != "" {
		who = "ObjectId " + r.ObjectID
	}
	var user, lic *load.UserLicence
	for i := range held {
		h := &held[i]
		if h.Tenant != tenant || !(h.UserID == r.ObjectID || (r.ObjectID == "" && h.UserPrincipalNameLower == strings.ToLower(r.UserPrincipalName))) {
			continue
		}
		user = h
		if strings.EqualFold(h.SkuPartNumber, sku) {
			lic = h
		}
	}
	switch {
	case user == nil:
		return Item{}, fmt.Sprintf("%s: no licensed user in tenant %s's latest snapshot", who, tenant)
	case lic == nil:
		return Item{}, fmt.Sprintf("user %s does not hold %s", user.UserID, sku)
	}
	if why := sel.Users.Mismatch(UserFields{UserPrincipalName: lic.UserPrincipalNameLower, UsageLocation: lic.UsageLocation,
		OnPremisesDistinguishedName: lic.OnPremisesDistinguishedName}); why != "" {
		return Item{}, fmt.Sprintf("user %s: %s", lic.UserID, why)
	}
	if it, ok := cands[tenant+"/"+lic.UserID+"/"+lic.SkuID]; ok {
		it.CSVLine = r.Line
		return it, ""
	}
	if !sel.ForceListed {
		return Item{}, fmt.Sprintf("user %s %s: not a current reclamation candidate (--force-listed plans it anyway)", lic.UserID, lic.SkuPartNumber)
	}
	action := "remove_direct"
	if !lic.Direct {
		action = "remove_from_group"
	}
	return Item{Tenant: tenant, UserID: lic.UserID, UserPrincipalName: lic.UserPrincipalNameLower, SkuID: lic.SkuID,
		SkuPartNumber: lic.SkuPartNumber, Reason: ReasonListed, Action: action, AssignedByGroups: lic.AssignedByGroups,
		CSVLine: r.Line, Forced: true}, ""
}
