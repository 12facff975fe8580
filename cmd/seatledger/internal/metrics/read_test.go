package metrics_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/metrics"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// writeWarehouse writes a warehouse file with one snapshot of contoso and
// one of fabrikam, each with one SKU, and their runs in the journal.
func writeWarehouse(t *testing.T, day time.Time) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seatledger.duckdb")
	w, err := load.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	params, err := transform.ParamTables(transform.Rules{InactivityDays: 90, GraceDays: 30,
		Limits: []transform.Limit{{Tenant: "contoso", SKU: "spe_e3", MaxUnits: 80}}}, transform.Pricing{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := transform.ReferenceTables()
	if err != nil {
		t.Fatal(err)
	}
	var tables []load.ParamTable
	for _, p := range append(params, ref...) {
		pt := load.ParamTable{Name: p.Name, Rows: p.Rows}
		for _, c := range p.Columns {
			pt.Columns = append(pt.Columns, load.Column{Name: c.Name, Type: c.Type})
		}
		tables = append(tables, pt)
	}
	if err := w.ReplaceParams(ctx, tables); err != nil {
		t.Fatal(err)
	}
	for i, tenant := range []string{"contoso", "fabrikam"} {
		s, err := w.BeginSnapshot(ctx, tenant, day, "run-1")
		if err != nil {
			t.Fatal(err)
		}
		sku := extract.SKU{ID: "t_05e9a617", SkuID: "05e9a617-0261-4cee-bb44-138d3ef5d965", SkuPartNumber: "SPE_E3",
			CapabilityStatus: "Enabled", ConsumedUnits: 90 + int64(i), PrepaidUnits: extract.PrepaidUnits{Enabled: 100, Warning: 5, LockedOut: 1}}
		if err := s.AppendSKUs([]extract.SKU{sku}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(load.StatusOK); err != nil {
			t.Fatal(err)
		}
		r := load.Run{ID: "run-1", Tenant: tenant, SnapshotDate: day, StartedAt: day.Add(3 * time.Hour)}
		if err := w.StartRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		r.Status, r.FinishedAt, r.Users, r.Licenses, r.SKUs = load.StatusDegraded, day.Add(3*time.Hour+time.Minute), 120, 240, 1
		if err := w.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestRead reads a real warehouse: the configured tenants in their order,
// a tenant no longer configured left out, one not run yet empty.
func TestRead(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	now := day.Add(12 * time.Hour)
	w, err := load.OpenReadOnly(ctx, writeWarehouse(t, day))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	st, err := metrics.Read(ctx, w, []string{"northwind", "contoso"}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := &metrics.State{ReadAt: now, Tenants: []metrics.Tenant{
		{Name: "northwind", Reclaimable: map[string]float64{}, Realised: map[string]float64{}, NextLifecycle: map[string]time.Time{}},
		{
			Name: "contoso", HasSnapshot: true,
			SKUs: []metrics.SKU{{PartNumber: "SPE_E3", Enabled: 100, Warning: 5, LockedOut: 1, Consumed: 90, Unused: 15,
				Limit: 80, HasLimit: true}},
			Reclaimable: map[string]float64{}, Realised: map[string]float64{}, NextLifecycle: map[string]time.Time{},
			LastSuccess: day.Add(3*time.Hour + time.Minute),
			LastRun: metrics.Run{Status: load.StatusDegraded, FinishedAt: day.Add(3*time.Hour + time.Minute), Rows: map[string]float64{
				"users": 120, "licenses": 240, "skus": 1, "subscriptions": 0, "groups": 0, "usage_report": 0,
			}},
		},
	}}
	for i := range st.Tenants { // instants compare in UTC
		tn := &st.Tenants[i]
		tn.LastSuccess, tn.LastRun.FinishedAt = utc(tn.LastSuccess), utc(tn.LastRun.FinishedAt)
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("Read:\n got %+v\nwant %+v", st, want)
	}

	empty, err := metrics.Read(ctx, nil, []string{"contoso"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.Tenants) != 1 || empty.Tenants[0].HasSnapshot || empty.Tenants[0].LastRun.Status != "" || !empty.ReadAt.Equal(now) {
		t.Errorf("Read without a warehouse: got %+v, want contoso with nothing", empty)
	}
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
