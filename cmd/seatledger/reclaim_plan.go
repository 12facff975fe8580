package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/load"
)

func reclaimPlanCmd(g *globals) *cobra.Command {
	var f planFlags
	c := &cobra.Command{
		Use:   "plan",
		Short: "Write a plan file: which SKU leaves which user and why (changes nothing)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := buildPlan(cmd.Context(), g, f, reclaim.OpRemove, "", "")
			if err != nil {
				return err
			}
			_, err = writePlan(g, f.out, p)
			return err
		},
	}
	f.register(c, true)
	return c
}

// writePlan writes p (to out, or reclaim-plan-<id>.json) and says what it
// holds; it returns the path.
func writePlan(g *globals, out string, p *reclaim.Plan) (string, error) {
	if out == "" {
		out = "reclaim-plan-" + p.ID + ".json"
	}
	if err := reclaim.WritePlan(out, p); err != nil {
		return "", err
	}
	counts := map[string]int{}
	var keys []string
	for _, it := range p.Items {
		k := fmt.Sprintf("%s %s %s", it.Tenant, it.SkuPartNumber, it.Reason)
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	fmt.Fprintf(g.stdout, "plan %s: %d licences (%s) written to %s\n", p.ID, len(p.Items), p.Operation, out)
	for _, k := range keys {
		fmt.Fprintf(g.stdout, "  %5d  %s\n", counts[k], k)
	}
	return out, nil
}

// buildPlan selects the plan's rows from the warehouse (read-only, closed
// before returning): the candidates matching f, or the rows of f.csv.
// For replace, from and to are SKU part numbers.
func buildPlan(ctx context.Context, g *globals, f planFlags, op, from, to string) (*reclaim.Plan, error) {
	if f.forceListed && f.csv == "" {
		return nil, usageErr(errors.New("--force-listed applies to --csv rows only"))
	}
	path, err := g.warehousePath(f.warehouse)
	if err != nil {
		return nil, err
	}
	w, err := load.OpenReadOnly(ctx, path, g.tuning()...)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	now := g.now().UTC()
	p := &reclaim.Plan{ID: reclaim.NewID(now), CreatedAt: now, Operation: op, Source: "candidates", Filters: f.describe(from, to)}
	if f.csv != "" {
		p.Source = "csv:" + f.csv
		p.Items, err = planFromCSV(ctx, g, w, f, from)
	} else {
		if from != "" {
			f.skus = []string{from}
		}
		p.Items, err = planFromCandidates(ctx, w, f)
	}
	if err != nil {
		return nil, err
	}
	if op == reclaim.OpReplace {
		if err := setTarget(ctx, w, p.Items, to); err != nil {
			return nil, err
		}
	}
	if len(p.Items) == 0 {
		return nil, errors.New("plan: no licence matches: nothing to plan")
	}
	return p, nil
}

func (f planFlags) describe(from, to string) map[string]string {
	m := map[string]string{}
	add := func(k string, v []string) {
		if len(v) > 0 {
			m[k] = strings.Join(v, ",")
		}
	}
	add("tenant", f.tenants)
	add("reason", f.reasons)
	add("sku", f.skus)
	add("department", f.departments)
	if f.minIdleDays > 0 {
		m["min_idle_days"] = fmt.Sprint(f.minIdleDays)
	}
	if from != "" {
		m["from"], m["to"] = from, to
	}
	if f.forceListed {
		m["force_listed"] = "true"
	}
	return m
}

const candidateColumns = `tenant, user_id, user_principal_name, sku_id, sku_part_number, reason, reasons,
	idle_days, action, assigned_by_groups, currency, annual_savings`

// where builds "col IN (?, ?)" clauses: values are always parameters.
type where struct {
	clauses []string
	args    []any
}

func (q *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	q.clauses = append(q.clauses, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
	for _, v := range vals {
		q.args = append(q.args, v)
	}
}

func (q *where) sql() string {
	if len(q.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.clauses, " AND ")
}

func planFromCandidates(ctx context.Context, w *load.Warehouse, f planFlags) ([]reclaim.Item, error) {
	var q where
	q.in("tenant", f.tenants)
	q.in("reason", f.reasons)
	q.in("sku_part_number", f.skus)
	q.in("department", f.departments)
	if f.minIdleDays > 0 {
		q.clauses = append(q.clauses, "idle_days >= ?")
		q.args = append(q.args, f.minIdleDays)
	}
	var items []reclaim.Item
	err := w.Stream(ctx, "SELECT "+candidateColumns+" FROM mart_reclamation_candidates"+q.sql()+
		" ORDER BY tenant, user_id, sku_part_number", q.args, func(_ []string, v []any) error {
		items = append(items, candidateItem(v))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	return items, nil
}

// candidateItem turns a row of candidateColumns into a plan item.
func candidateItem(v []any) reclaim.Item {
	it := reclaim.Item{Tenant: s(v[0]), UserID: s(v[1]), UserPrincipalName: s(v[2]), SkuID: s(v[3]),
		SkuPartNumber: s(v[4]), Reason: s(v[5]), Reasons: strs(v[6]), Action: s(v[8]),
		AssignedByGroups: strs(v[9]), Currency: s(v[10])}
	if n, ok := v[7].(int64); ok {
		it.IdleDays = &n
	}
	if x, ok := v[11].(float64); ok {
		it.AnnualSavings = &x
	}
	return it
}

func s(v any) string {
	str, _ := v.(string)
	return str
}

func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if str, ok := x.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// jsonList is a parameter for from_json(?, '["VARCHAR"]').
func jsonList(vals []string) string {
	if vals == nil {
		vals = []string{}
	}
	b, _ := json.Marshal(vals) // a []string always encodes
	return string(b)
}

// setTarget fills the replacement SKU of every item from the tenant's
// latest subscribedSkus.
func setTarget(ctx context.Context, w *load.Warehouse, items []reclaim.Item, to string) error {
	ids, names := map[string]string{}, map[string]string{}
	err := w.Stream(ctx, `SELECT k.tenant, k.sku_id, k.sku_part_number FROM raw_subscribed_skus k
		JOIN stg_snapshots s USING (tenant, snapshot_date)
		WHERE s.is_latest AND lower(k.sku_part_number) = lower(?)`, []any{to}, func(_ []string, v []any) error {
		ids[s(v[0])], names[s(v[0])] = s(v[1]), s(v[2])
		return nil
	})
	if err != nil {
		return fmt.Errorf("look up SKU %s: %w", to, err)
	}
	for i := range items {
		id, ok := ids[items[i].Tenant]
		if !ok {
			return usageErr(fmt.Errorf("--to %s: tenant %s has no such SKU in its latest snapshot", to, items[i].Tenant))
		}
		if id == items[i].SkuID {
			return usageErr(fmt.Errorf("--to %s: the same SKU as --from", to))
		}
		items[i].ToSkuID, items[i].ToSkuPartNumber = id, names[items[i].Tenant]
	}
	return nil
}

// readCSV opens and parses a reclaim CSV.
func readCSV(path string, requireSKU bool) ([]reclaim.Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr(fmt.Errorf("--csv: %w", err))
	}
	defer f.Close()
	return reclaim.ParseCSV(f, requireSKU)
}
