package transform

import "sort"

// ReferenceTables builds the ref_ tables: Microsoft's SKU catalogue and its
// service plans, the workload of every known service plan, and the curated
// containment table.
func ReferenceTables() ([]Table, error) {
	cat, err := Catalog()
	if err != nil {
		return nil, err
	}
	skus := Table{Name: "ref_sku_catalog", Columns: []Column{
		{"sku_id", "VARCHAR"}, {"sku_part_number", "VARCHAR"}, {"product_name", "VARCHAR"}}}
	plans := Table{Name: "ref_sku_catalog_plans", Columns: []Column{
		{"sku_id", "VARCHAR"}, {"service_plan_id", "VARCHAR"}, {"service_plan_name", "VARCHAR"}, {"friendly_name", "VARCHAR"}}}
	names := map[string]bool{}
	for _, s := range cat.SKUs {
		skus.Rows = append(skus.Rows, []any{s.ID, s.PartNumber, s.ProductName})
		for _, p := range s.Plans {
			plans.Rows = append(plans.Rows, []any{s.ID, p.ID, p.Name, p.FriendlyName})
			names[p.Name] = true
		}
	}
	return []Table{skus, plans, workloadTable(names), containsTable()}, nil
}

// workloadTable maps every catalogue service-plan name to its workloads.
// The tenant's own plan names are matched too: the SQL falls back to no
// workload for a name missing here.
func workloadTable(names map[string]bool) Table {
	t := Table{Name: "ref_plan_workloads", Columns: []Column{{"service_plan_name", "VARCHAR"}, {"workload", "VARCHAR"}}}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		for _, w := range WorkloadsOf(n) {
			t.Rows = append(t.Rows, []any{n, w})
		}
	}
	return t
}

func containsTable() Table {
	t := Table{Name: "ref_sku_contains", Columns: []Column{{"container", "VARCHAR"}, {"contained", "VARCHAR"}}}
	for _, c := range containments {
		t.Rows = append(t.Rows, []any{c.Container, c.Contained})
	}
	return t
}
