package job

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
)

// TestActionsSheet writes the provisioning report into the workbook: the
// licence actions of the report's day and the 89 before it, newest
// first, only the tenants reported on.
func TestActionsSheet(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if out, _, err := night(t, dir, day, []pipeline.Tenant{
		{Name: "contoso", Source: source{users: 5}, ReportPeriod: "D7"},
		{Name: "fabrikam", Source: source{users: 3}, ReportPeriod: "D7"},
	}); err != nil {
		t.Fatalf("night: %v\n%s", err, out)
	}
	wh := filepath.Join(dir, "seatledger.duckdb")
	w, err := load.Open(context.Background(), wh)
	if err != nil {
		t.Fatal(err)
	}
	act := func(tenant, user, result string, at time.Time) load.Action {
		return load.Action{PlanID: "plan-1", ApplyID: "apply-" + user, At: at, Tenant: tenant, UserID: user, SkuID: skuID,
			SkuPartNumber: "SPE_E3", Operation: "assign", Result: result}
	}
	group := act("contoso", "g-1", "ok", day.Add(22*time.Hour)) // assign --group
	group.Target, group.GroupIDs = "group", []string{"g-1"}
	err = w.RecordActions(context.Background(), []load.Action{
		act("contoso", "u-today", "ok", day.Add(23*time.Hour)), group,
		act("contoso", "u-failed", "failed", day.AddDate(0, 0, -1)),
		act("contoso", "u-89", "ok", day.AddDate(0, 0, -89)),
		act("contoso", "u-90", "ok", day.AddDate(0, 0, -90).Add(23*time.Hour)), // before the window
		act("contoso", "u-tomorrow", "ok", day.AddDate(0, 0, 1)),               // after it
		act("fabrikam", "f-1", "ok", day),
	})
	if errClose := w.Close(); err != nil || errClose != nil {
		t.Fatal(err, errClose)
	}
	var out bytes.Buffer
	err = Report(context.Background(), ReportOptions{Logger: discard(), Stdout: &out, Warehouse: wh,
		Tenants: []string{"contoso"}, Dir: filepath.Join(dir, "contoso"), Keep: 1})
	if err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	// The sheet that report wrote, as Report's warehouse shows it.
	r, err := load.OpenReadOnly(context.Background(), wh, load.OnlyTenants("contoso"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sheet, err := actionsSheet(context.Background(), r, day)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Name != "Actions" || sheet.Columns[0].Header != "Acted at" || len(sheet.Highlights) == 0 {
		t.Errorf("Actions sheet: got name %q, first column %q, %d highlights; want Actions, Acted at, highlights by result",
			sheet.Name, sheet.Columns[0].Header, len(sheet.Highlights))
	}
	col := func(name string) int {
		return slices.IndexFunc(sheet.Columns, func(c reports.Column) bool { return c.Name == name })
	}
	target, id := col("target"), col("target_id")
	var users []string
	err = sheet.Rows(func(vals []any) error {
		users = append(users, vals[target].(string)+" "+vals[id].(string))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"user u-today", "group g-1", "user u-failed", "user u-89"}; !slices.Equal(users, want) || sheet.RowCount != len(want) {
		t.Errorf("Actions rows: got %v (count %d), want %v (the 90 days up to the report's day, newest first, contoso only)",
			users, sheet.RowCount, want)
	}
}
