package transform

// ReferenceTables builds the ref_ tables: Microsoft's SKU catalogue
// (ref_sku_catalog, one row per SKU GUID) and its service plans
// (ref_sku_catalog_plans, the fallback when a tenant lists none for a SKU),
// the curated service-plan -> workload rules (ref_plan_workloads) and the
// curated containment table (ref_sku_contains).
func ReferenceTables() ([]Table, error) {
	cat, err := Catalog()
	if err != nil {
		return nil, err
	}
	skus := Table{Name: "ref_sku_catalog", Columns: []Column{
		{"sku_id", "VARCHAR"}, {"sku_part_number", "VARCHAR"}, {"product_name", "VARCHAR"}}}
	plans := Table{Name: "ref_sku_catalog_plans", Columns: []Column{
		{"sku_id", "VARCHAR"}, {"service_plan_id", "VARCHAR"}, {"service_plan_name", "VARCHAR"}, {"friendly_name", "VARCHAR"}}}
	for _, s := range cat.SKUs {
		skus.Rows = append(skus.Rows, []any{s.ID, s.PartNumber, s.ProductName})
		for _, p := range s.Plans {
			plans.Rows = append(plans.Rows, []any{s.ID, p.ID, p.Name, p.FriendlyName})
		}
	}
	return []Table{skus, plans, workloadTable(), containsTable()}, nil
}

// containsTable is ref_sku_contains: container and contained part numbers.
func containsTable() Table {
	t := Table{Name: "ref_sku_contains", Columns: []Column{{"container", "VARCHAR"}, {"contained", "VARCHAR"}}}
	for _, c := range containments {
		t.Rows = append(t.Rows, []any{c.Container, c.Contained})
	}
	return t
}
