package sql_test

import (
	"slices"
	"testing"
)

// TestReasonRedundant pins transform/43_stg_reason_redundant.sql (with
// 40_stg_sku_subsets.sql): the user also holds another SKU whose enabled
// plans include every enabled plan of this one, or that the curated table
// says contains it; of two SKUs with the same plans only the later part
// number (then sku_id) is redundant.
func TestReasonRedundant(t *testing.T) {
	type sku struct {
		id, part string
		plans    []string
	}
	type held struct {
		user, sku    string
		enabledPlans []string // nil: the SKU's plans
	}
	e3 := sku{"sku-e3", "SPE_E3", []string{"a", "b"}}
	e5 := sku{"sku-e5", "SPE_E5", []string{"a", "b", "c"}}
	tests := []struct {
		name    string
		skus    []sku
		held    []held
		curated [][2]string // container, contained part numbers
		want    []string    // user/sku<part number it is redundant with
	}{
		{"contained SKU beside its container", []sku{e3, e5},
			[]held{{"u1", "sku-e3", nil}, {"u1", "sku-e5", nil}}, nil,
			[]string{"u1/sku-e3<SPE_E5"}},
		{"only the contained SKU held", []sku{e3, e5},
			[]held{{"u1", "sku-e3", nil}}, nil, nil},
		{"another user's container does not count", []sku{e3, e5},
			[]held{{"u1", "sku-e3", nil}, {"u2", "sku-e5", nil}}, nil, nil},
		{"overlapping plans, neither contains the other",
			[]sku{{"sku-x", "X", []string{"a", "b"}}, {"sku-y", "Y", []string{"b", "c"}}},
			[]held{{"u1", "sku-x", nil}, {"u1", "sku-y", nil}}, nil, nil},
		{"same plans: the later part number is redundant",
			[]sku{{"sku-1", "MCOEV", []string{"p"}}, {"sku-2", "MCOPSTN", []string{"p"}}},
			[]held{{"u1", "sku-1", nil}, {"u1", "sku-2", nil}}, nil,
			[]string{"u1/sku-2<MCOEV"}},
		{"same plans and part number: the later sku_id is redundant",
			[]sku{{"sku-2", "MCOPSTN5", []string{"p"}}, {"sku-1", "MCOPSTN5", []string{"p"}}},
			[]held{{"u1", "sku-1", nil}, {"u1", "sku-2", nil}}, nil,
			[]string{"u1/sku-2<MCOPSTN5"}},
		{"a SKU without enabled plans contains nothing",
			[]sku{{"sku-0", "EMPTY", nil}, e3},
			[]held{{"u1", "sku-0", nil}, {"u1", "sku-e3", nil}}, nil, nil},
		{"curated containment without a plan subset, any case",
			[]sku{{"sku-ep", "ENTERPRISEPACK", []string{"a", "x"}}, e3},
			[]held{{"u1", "sku-ep", nil}, {"u1", "sku-e3", nil}}, [][2]string{{"spe_e3", "enterprisepack"}},
			[]string{"u1/sku-ep<SPE_E3"}},
		{"the container disables a plan of the contained SKU", []sku{e3, e5},
			[]held{{"u1", "sku-e3", nil}, {"u1", "sku-e5", []string{"a", "c"}}}, nil, nil},
		{"the container disables its extra plan: same plans, the later part number", []sku{e3, e5},
			[]held{{"u1", "sku-e3", nil}, {"u1", "sku-e5", []string{"a", "b"}}}, nil,
			[]string{"u1/sku-e5<SPE_E3"}},
		{"the row disables plans: its own enabled plans are compared",
			[]sku{e3, {"sku-x", "X", []string{"a", "c"}}},
			[]held{{"u1", "sku-e3", []string{"a"}}, {"u1", "sku-x", nil}}, nil,
			[]string{"u1/sku-e3<X"}},
		{"several containers: the first part number is named",
			[]sku{{"sku-s", "SMALL", []string{"a"}}, {"sku-z", "ZZ", []string{"a", "z"}}, e5},
			[]held{{"u1", "sku-s", nil}, {"u1", "sku-z", nil}, {"u1", "sku-e5", nil}}, nil,
			[]string{"u1/sku-s<SPE_E5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			mustExec(t, db, "CREATE TEMP TABLE stg_sku_planset (tenant VARCHAR, snapshot_date DATE, sku_id VARCHAR, plan_ids VARCHAR[])")
			parts := map[string]string{}
			for _, k := range tc.skus {
				parts[k.id] = k.part
				mustExec(t, db, "INSERT INTO stg_sku_planset VALUES ('t', ?, ?, list_sort(?::VARCHAR[]))", asOf.AddDate(0, 0, 2), k.id, list(k.plans))
			}
			mustExec(t, db, "CREATE TEMP TABLE ref_sku_contains (container VARCHAR, contained VARCHAR)")
			for _, c := range tc.curated {
				mustExec(t, db, "INSERT INTO ref_sku_contains VALUES (?, ?)", c[0], c[1])
			}
			var rows []licenceRow
			for _, h := range tc.held {
				rows = append(rows, withDefaults(func(r *licenceRow) {
					r.user, r.sku, r.part, r.enabledPlans = h.user, h.sku, parts[h.sku], h.enabledPlans
				}))
			}
			createLicenceRows(t, db, rows...)
			runModels(t, db, "stg_sku_subsets", "stg_reason_redundant")
			got := strs(t, db, "SELECT user_id || '/' || sku_id || '<' || redundant_with FROM stg_reason_redundant ORDER BY ALL")
			if !slices.Equal(got, tc.want) {
				t.Errorf("redundant rows: got %v, want %v", got, tc.want)
			}
		})
	}
}
