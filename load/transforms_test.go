package load_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

func priceTable(price any) load.ParamTable {
	return load.ParamTable{
		Name: "param_prices",
		Columns: []load.Column{{"sku", "VARCHAR"}, {"unit_price", "DECIMAL(18,4)"}, {"effective", "DATE"},
			{"expires", "DATE"}, {"annual", "BOOLEAN"}, {"months", "INTEGER"}, {"tags", "VARCHAR[]"}},
		Rows: [][]any{
			{"SPE_E3", price, day1, nil, true, 12, []string{"suite"}},
			{"FLOW_FREE", "0", day1, day2, false, int64(1), nil},
		},
	}
}

func TestReplaceParams(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	ref := load.ParamTable{Name: "ref_thresholds", Columns: []load.Column{{"name", "VARCHAR"}, {"days", "BIGINT"}},
		Rows: [][]any{{"inactivity_days", 90}}}
	if err := w.ReplaceParams(ctx, []load.ParamTable{priceTable(12.5), ref}); err != nil {
		t.Fatalf("ReplaceParams: %v", err)
	}
	got := queryRow(t, w, "SELECT sku, unit_price, effective, expires, annual, months, tags FROM param_prices WHERE sku = 'SPE_E3'")
	want := []any{"SPE_E3", 12.5, day1, nil, true, int32(12), []any{"suite"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("param_prices: got %#v, want %#v", got, want)
	}
	got = queryRow(t, w, "SELECT typeof(unit_price), unit_price::VARCHAR, tags FROM param_prices WHERE sku = 'FLOW_FREE'")
	if want := []any{"DECIMAL(18,4)", "0.0000", nil}; !reflect.DeepEqual(got, want) {
		t.Errorf("decimal from text: got %#v, want %#v", got, want)
	}
	// Replacing swaps the contents.
	if err := w.ReplaceParams(ctx, []load.ParamTable{priceTable("33.3333")}); err != nil {
		t.Fatalf("second ReplaceParams: %v", err)
	}
	got = queryRow(t, w, "SELECT count(*), max(unit_price)::VARCHAR FROM param_prices")
	if want := []any{int64(2), "33.3333"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after replace: got %v, want %v", got, want)
	}
}

func TestReplaceParamsIsAtomic(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	if err := w.ReplaceParams(ctx, []load.ParamTable{priceTable(12.5)}); err != nil {
		t.Fatal(err)
	}
	bad := load.ParamTable{Name: "param_rules", Columns: []load.Column{{"days", "INTEGER"}}, Rows: [][]any{{"ninety"}}}
	err := w.ReplaceParams(ctx, []load.ParamTable{priceTable(99.0), bad})
	if err == nil || !strings.Contains(err.Error(), "param table param_rules") || !strings.Contains(err.Error(), "row 0") {
		t.Fatalf("got %v, want an error naming param_rules row 0", err)
	}
	got := queryRow(t, w, "SELECT max(unit_price) FROM param_prices")
	if want := []any{12.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("param_prices after a failed replace: got %v, want %v (untouched)", got, want)
	}
}

func TestReplaceParamsBadInput(t *testing.T) {
	w, _ := mustOpen(t)
	col := []load.Column{{"a", "VARCHAR"}}
	tests := []struct {
		name  string
		table load.ParamTable
		want  string
	}{
		{"prefix", load.ParamTable{Name: "prices", Columns: col}, `name "prices"`},
		{"injection in name", load.ParamTable{Name: "param_x; DROP TABLE snapshots", Columns: col}, "name"},
		{"no columns", load.ParamTable{Name: "param_x"}, "no columns"},
		{"column name", load.ParamTable{Name: "param_x", Columns: []load.Column{{"A b", "VARCHAR"}}}, `column "A b"`},
		{"duplicate column", load.ParamTable{Name: "param_x", Columns: []load.Column{{"a", "INT"}, {"a", "INT"}}}, "given twice"},
		{"type", load.ParamTable{Name: "param_x", Columns: []load.Column{{"a", "INT); DROP TABLE snapshots; --"}}}, "not a DuckDB type"},
		{"row width", load.ParamTable{Name: "param_x", Columns: col, Rows: [][]any{{"a", "b"}}}, "row 0: 2 values, want 1"},
		{"decimal value", load.ParamTable{Name: "param_x", Columns: []load.Column{{"p", "DECIMAL(9,2)"}}, Rows: [][]any{{true}}}, "row 0 column p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := w.ReplaceParams(context.Background(), []load.ParamTable{tt.table})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestTransformErrorRollsBackTheSnapshot(t *testing.T) {
	bad := fstest.MapFS{
		"transform/10_stg_users.sql": {Data: []byte("CREATE OR REPLACE TEMP TABLE stg_users AS SELECT tenant, id FROM raw_users;")},
		"marts/30_mart_broken.sql":   {Data: []byte("CREATE OR REPLACE TEMP TABLE calc_mart_broken AS SELECT no_such_column FROM stg_users;")},
	}
	w, _ := mustOpen(t, load.WithTransforms(bad))
	ctx := context.Background()
	s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	if err := s.AppendUsers(genUsers(0, 42)); err != nil {
		t.Fatal(err)
	}
	err = s.Commit(load.StatusOK)
	if err == nil {
		t.Fatal("Commit: got no error, want one")
	}
	for _, want := range []string{"marts/30_mart_broken.sql", "no_such_column", "contoso"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err, want)
		}
	}
	for _, q := range []string{"SELECT count(*) FROM raw_users", "SELECT count(*) FROM snapshots", "SELECT count(*) FROM snapshot_facts"} {
		if got := queryRow(t, w, q); !reflect.DeepEqual(got, []any{int64(0)}) {
			t.Errorf("%s after a failed commit: got %v, want 0 (one transaction)", q, got)
		}
	}
}

func TestCommitNeedsParams(t *testing.T) {
	w, err := load.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.BeginSnapshot(context.Background(), "contoso", day1, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	err = s.Commit(load.StatusOK)
	if err == nil || !strings.Contains(err.Error(), "param_rules") || !strings.Contains(err.Error(), "ReplaceParams") {
		t.Errorf("Commit without parameter tables: got %v, want an error naming param_rules and ReplaceParams", err)
	}
}

// defaultParams are transform's parameter and reference tables for the
// default rules and an empty price book.
func defaultParams(t testing.TB) []load.ParamTable {
	t.Helper()
	return paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30}, transform.Pricing{Currency: "USD"})
}

// paramsWith are transform's parameter tables for r and p, and its
// reference tables.
func paramsWith(t testing.TB, r transform.Rules, p transform.Pricing) []load.ParamTable {
	t.Helper()
	params, err := transform.ParamTables(r, p)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := transform.ReferenceTables()
	if err != nil {
		t.Fatal(err)
	}
	var out []load.ParamTable
	for _, p := range append(params, ref...) {
		pt := load.ParamTable{Name: p.Name, Rows: p.Rows}
		for _, c := range p.Columns {
			pt.Columns = append(pt.Columns, load.Column{Name: c.Name, Type: c.Type})
		}
		out = append(out, pt)
	}
	return out
}

func TestStream(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	var gotCols []string
	var rows [][]any
	err := w.Stream(ctx, `SELECT x AS n, 1.25::DECIMAL(10,2) AS d, DATE '2025-03-01' AS day, NULL AS none,
		['a', 'b'] AS l, [1.5::DECIMAL(4,1)] AS dl, uuid '6fd2c87f-b296-42f0-b197-1e91e994b900' AS u
		FROM range(?) t(x)`, []any{3}, func(cols []string, vals []any) error {
		gotCols = cols
		rows = append(rows, vals)
		return nil
	})
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if want := []string{"n", "d", "day", "none", "l", "dl", "u"}; !reflect.DeepEqual(gotCols, want) {
		t.Errorf("cols: got %v, want %v", gotCols, want)
	}
	want := []any{int64(2), 1.25, day1, nil, []any{"a", "b"}, []any{1.5}, "6fd2c87f-b296-42f0-b197-1e91e994b900"}
	if len(rows) != 3 || !reflect.DeepEqual(rows[2], want) {
		t.Errorf("rows: got %d, last %#v; want 3, last %#v", len(rows), rows[len(rows)-1], want)
	}
	stop := errors.New("stop")
	n := 0
	err = w.Stream(ctx, "SELECT * FROM range(100)", nil, func([]string, []any) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: got %v after %d rows, want stop after 1", err, n)
	}
	if err := w.Stream(ctx, "SELECT * FROM no_such_table", nil, nil); err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Errorf("bad query: got %v, want DuckDB's message", err)
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 31, 23, 0, 0, 0, time.UTC)
	days := []time.Time{
		time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC), // 31 days before now
		time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),  // 30 days before now
		time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		name      string
		retention int
		want      int64 // snapshots deleted
		keep      []bool
	}{
		{"keep forever", 0, 0, []bool{true, true, true}},
		{"nothing old enough", 60, 0, []bool{true, true, true}},
		{"30 days", 30, 1, []bool{false, true, true}},
		{"1 day", 1, 2, []bool{false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := mustOpen(t)
			for i, d := range days {
				writeSnapshot(t, w, "contoso", d, "run", genUsers(i*10, 10))
			}
			got, err := w.Prune(ctx, tt.retention, now)
			if err != nil || got != tt.want {
				t.Fatalf("Prune: got %d, %v; want %d, nil", got, err, tt.want)
			}
			for i, d := range days {
				want := int64(0)
				if tt.keep[i] {
					want = 10
				}
				if n := count(t, w, "raw_users", "contoso", d); n != want {
					t.Errorf("raw_users on %s: got %d, want %d", d.Format(time.DateOnly), n, want)
				}
				if n := count(t, w, "raw_user_licenses", "contoso", d); (n > 0) != tt.keep[i] {
					t.Errorf("raw_user_licenses on %s: got %d rows, want kept=%v", d.Format(time.DateOnly), n, tt.keep[i])
				}
			}
		})
	}
	w, _ := mustOpen(t)
	if _, err := w.Prune(ctx, -1, now); err == nil || !strings.Contains(err.Error(), "retention days -1") {
		t.Errorf("negative retention: got %v, want an error naming it", err)
	}
}
