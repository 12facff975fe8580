package load_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// arrowChecks are the columns compared per relation: an amount, a date
// and a key, besides the partition columns.
var arrowChecks = []struct{ relation, key, amount, date string }{
	{"mart_spend_history", "sku_part_number", "annual_cost", "as_of"},
	{"mart_spend", "department", "annual_cost", "as_of"},
	{"mart_license_inventory_history", "sku_part_number", "unit_price_annual", "as_of"},
	{"mart_reclamation_candidates", "user_id", "annual_savings", "last_activity_date"},
}

// TestExportReadByArrow reads the lake with a second Parquet engine,
// arrow-go's parquet/file reader, and compares rows per partition and a few values
// with what DuckDB reads; amounts are DECIMAL(18,2) in both.
func TestExportReadByArrow(t *testing.T) {
	w := growing(t)
	prices := transform.Pricing{Currency: "USD", Prices: []transform.Price{
		{SKU: "SPE_E3", UnitPrice: 36.10, Currency: "USD", Billing: "monthly", Term: "annual", Effective: day1.AddDate(-1, 0, 0)},
	}}
	if err := w.ReplaceParams(context.Background(), paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30}, prices)); err != nil {
		t.Fatalf("ReplaceParams: %v", err)
	}
	night(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	night(t, w, "contoso", day2, "run-2", genUsers(0, 130))
	night(t, w, "fabrikam", day1, "run-3", genUsers(500, 40))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})
	if got := scalar(t, w, "SELECT typeof(annual_cost) FROM ("+lakeRead(dir, "mart_spend_history")+") LIMIT 1"); got != "DECIMAL(18,2)" {
		t.Fatalf("annual_cost in the lake: got %v, want DECIMAL(18,2)", got)
	}
	compareEngines(t, w, dir)
}

func compareEngines(t *testing.T, w *load.Warehouse, dir string) {
	t.Helper()
	for _, c := range arrowChecks {
		t.Run(c.relation, func(t *testing.T) {
			got := readWithArrow(t, filepath.Join(dir, c.relation), c.key, c.amount, c.date)
			want := readWithDuckDB(t, w, dir, c.relation, c.key, c.amount, c.date)
			if len(want) == 0 {
				t.Fatalf("DuckDB reads no rows of %s: the scenario must fill it", c.relation)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("arrow-go read %d rows, DuckDB %d; first differences:\n%s", len(got), len(want), firstDiffs(got, want))
			}
			if !slices.ContainsFunc(want, func(r string) bool { return !strings.Contains(r, "|NULL|") }) {
				t.Errorf("%s: every %s is NULL: the comparison proves little", c.relation, c.amount)
			}
		})
	}
}

// readWithArrow reads every data file of a relation with arrow-go's
// Parquet file reader, taking tenant and snapshot_date from the hive paths,
// as sorted lines tenant|snapshot_date|key|amount|date. (Not pqarrow: it
// imports arrow/flight, which would bring grpc into go.mod and upgrade the
// OpenTelemetry modules the Graph SDK builds with.)
func readWithArrow(t *testing.T, relDir, key, amount, date string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(relDir, "tenant=*", "snapshot_date=*", "*.parquet"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no Parquet files below %s (%v)", relDir, err)
	}
	var out []string
	for _, p := range paths {
		tenant := strings.TrimPrefix(filepath.Base(filepath.Dir(filepath.Dir(p))), "tenant=")
		day := strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "snapshot_date=")
		cols := readParquetColumns(t, p, key, amount, date)
		for r := range cols[0] {
			out = append(out, strings.Join([]string{tenant, day, cols[0][r], cols[1][r], cols[2][r]}, "|"))
		}
	}
	slices.Sort(out)
	return out
}

// readParquetColumns reads the named columns of a Parquet file, every row
// group, each value formatted as readParquetColumn does.
func readParquetColumns(t *testing.T, path string, names ...string) [][]string {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("arrow-go: open %s: %v", path, err)
	}
	defer r.Close()
	sc := r.MetaData().Schema
	out := make([][]string, len(names))
	for g := 0; g < r.NumRowGroups(); g++ {
		rg := r.RowGroup(g)
		for k, name := range names {
			i := sc.ColumnIndexByName(name)
			if i < 0 {
				t.Fatalf("%s: no column %s", path, name)
			}
			cr, err := rg.Column(i)
			if err != nil {
				t.Fatalf("%s: column %s: %v", path, name, err)
			}
			vals, err := readParquetColumn(cr, sc.Column(i), rg.NumRows())
			if err != nil {
				t.Fatalf("%s: column %s: %v", path, name, err)
			}
			out[k] = append(out[k], vals...)
		}
	}
	return out
}

// readParquetColumn reads n rows of one column chunk as text: the values
// come without their NULLs, which the definition levels place.
func readParquetColumn(cr file.ColumnChunkReader, col *schema.Column, n int64) ([]string, error) {
	def := make([]int16, n)
	var cells []string
	var total int64
	for total < n {
		var got int64
		var nv int
		var err error
		switch r := cr.(type) {
		case *file.ByteArrayColumnChunkReader:
			v := make([]parquet.ByteArray, n-total)
			got, nv, err = r.ReadBatch(n-total, v, def[total:], nil)
			for _, b := range v[:nv] {
				cells = append(cells, string(b))
			}
		case *file.Int32ColumnChunkReader:
			v := make([]int32, n-total)
			got, nv, err = r.ReadBatch(n-total, v, def[total:], nil)
			for _, x := range v[:nv] {
				cells = append(cells, parquetInt(col, int64(x)))
			}
		case *file.Int64ColumnChunkReader:
			v := make([]int64, n-total)
			got, nv, err = r.ReadBatch(n-total, v, def[total:], nil)
			for _, x := range v[:nv] {
				cells = append(cells, parquetInt(col, x))
			}
		case *file.Float64ColumnChunkReader:
			v := make([]float64, n-total)
			got, nv, err = r.ReadBatch(n-total, v, def[total:], nil)
			for _, x := range v[:nv] {
				cells = append(cells, fmt.Sprintf("%.2f", x))
			}
		default:
			return nil, fmt.Errorf("unexpected physical type %s", col.PhysicalType())
		}
		if err != nil {
			return nil, err
		}
		if got == 0 {
			return nil, fmt.Errorf("%d rows, want %d", total, n)
		}
		total += got
	}
	out := make([]string, n)
	j := 0
	for i := range out {
		if def[i] < col.MaxDefinitionLevel() {
			out[i] = "NULL"
			continue
		}
		out[i] = cells[j]
		j++
	}
	return out, nil
}

// parquetInt formats an INT32 or INT64 value by its logical type: a DATE
// as YYYY-MM-DD, a DECIMAL with 2 decimals (as readWithDuckDB formats
// DOUBLE and DECIMAL amounts alike), else the integer.
func parquetInt(col *schema.Column, x int64) string {
	switch lt := col.LogicalType().(type) {
	case schema.DateLogicalType:
		return time.Unix(x*86400, 0).UTC().Format(time.DateOnly)
	case schema.DecimalLogicalType:
		return fmt.Sprintf("%.2f", float64(x)/math.Pow10(int(lt.Scale())))
	}
	return strconv.FormatInt(x, 10)
}

// readWithDuckDB is readWithArrow through DuckDB's read_parquet with hive
// partitioning.
func readWithDuckDB(t *testing.T, w *load.Warehouse, dir, relation, key, amount, date string) []string {
	t.Helper()
	q := fmt.Sprintf("SELECT tenant, strftime(snapshot_date, '%%Y-%%m-%%d'), %s, CAST(%s AS DOUBLE), strftime(%s, '%%Y-%%m-%%d') FROM (%s)",
		key, amount, date, lakeRead(dir, relation))
	rows, err := w.SQLForTests().Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tenant, day string
		var k, d *string
		var amt *float64
		if err := rows.Scan(&tenant, &day, &k, &amt, &d); err != nil {
			t.Fatal(err)
		}
		cell := func(s *string) string {
			if s == nil {
				return "NULL"
			}
			return *s
		}
		a := "NULL"
		if amt != nil {
			a = fmt.Sprintf("%.2f", *amt)
		}
		out = append(out, strings.Join([]string{tenant, day, cell(k), a, cell(d)}, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// firstDiffs lists up to 5 lines of either side missing from the other.
func firstDiffs(got, want []string) string {
	var b strings.Builder
	n := 0
	for _, g := range got {
		if !slices.Contains(want, g) && n < 5 {
			fmt.Fprintf(&b, "  arrow only:  %s\n", g)
			n++
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) && n < 10 {
			fmt.Fprintf(&b, "  duckdb only: %s\n", w)
			n++
		}
	}
	return b.String()
}
