package pipeline

import (
	"context"
	"fmt"
	xform "github.com/seatledger/seatledger/transform"
	"log/slog"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// requests counts Graph requests per endpoint (graph.Config.Observe).
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *requests) observe(endpoint string, _ int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n[endpoint]++
}

// take returns the counts since the last take.
func (r *requests) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.n
	r.n = map[string]int{}
	return out
}

// logBuffer collects debug logs of the client and the pipeline.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// deltaWorld is a simulated tenant, a Graph client for it and a warehouse.
type deltaWorld struct {
	t      testing.TB
	tenant *graphsim.Tenant
	src    *graph.Client
	reqs   *requests
	w      *load.Warehouse
	logs   *logBuffer
	log    *slog.Logger
	runs   int
}

func newDeltaWorld(t testing.TB, users int) *deltaWorld {
	t.Helper()
	tenant := graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 3, Now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	srv, err := graphsim.NewServer(tenant, graphsim.ServerOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	reqs := &requests{n: map[string]int{}}
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src, err := graph.New(context.Background(), graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(), Cloud: "custom", AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth: graph.Auth{Method: graph.AuthClientSecret, ClientSecret: srv.ClientSecret()}, RootCAs: srv.CertPool(),
		Observe: reqs.observe, Logger: log,
	})
	if err != nil {
		t.Fatalf("graph.New: %v", err)
	}
	w, err := load.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatalf("load.Open: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	writeDefaultParams(t, w)
	return &deltaWorld{t: t, tenant: tenant, src: src, reqs: reqs, w: w, logs: logs, log: log}
}

// day writes the users of one snapshot of tenant name at now with
// syncUsers and commits it; it returns the users and the Graph requests
// made per endpoint.
func (d *deltaWorld) day(t testing.TB, name string, src extract.Source, now time.Time) (int64, map[string]int) {
	t.Helper()
	d.runs++
	ctx := context.Background()
	d.reqs.take()
	run := load.Run{ID: fmt.Sprintf("run-%d", d.runs), Tenant: name, SnapshotDate: utcDate(now), StartedAt: now, Status: load.StatusRunning}
	ls := openSnapshot(ctx, d.w, run, func() {})
	opts := Options{Now: func() time.Time { return now }, Logger: d.log}.WithDefaults()
	n, err := syncUsers(ctx, d.w, ls, Tenant{Name: name, Source: src}, run, opts)
	<-ls.ready
	if ls.err != nil || err != nil {
		t.Fatalf("%s: syncUsers: %v %v", now.Format(time.DateOnly), ls.err, err)
	}
	defer ls.snap.Rollback()
	if err := ls.snap.Commit(StatusOK); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	run.Status, run.FinishedAt = StatusOK, now
	if err := d.w.FinishRun(ctx, run); err != nil {
		t.Fatalf("FinishRun: %v", err)
	}
	return n, d.reqs.take()
}

// picture returns the users, licences and states of a snapshot, sorted.
func (d *deltaWorld) picture(name string, date time.Time) []string {
	d.t.Helper()
	var out []string
	for table, cols := range map[string]string{
		"raw_users":                     "'u', id, user_principal_name, department, account_enabled, created_date_time",
		"raw_user_licenses":             "'l', user_id, sku_id, disabled_plans",
		"raw_license_assignment_states": "'s', user_id, sku_id, assigned_by_group, state, error, last_updated_date_time",
	} {
		rows, err := d.w.SQLForTests().Query("SELECT concat_ws('|', "+cols+") FROM "+table+" WHERE tenant = ? AND snapshot_date = ?", name, utcDate(date))
		if err != nil {
			d.t.Fatalf("read %s: %v", table, err)
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				d.t.Fatalf("read %s: %v", table, err)
			}
			out = append(out, r)
		}
		rows.Close()
	}
	sort.Strings(out)
	return out
}

// plainSource hides the delta methods of a source.
type plainSource struct{ extract.Source }

func TestSyncUsersFullThenDelta(t *testing.T) {
	d := newDeltaWorld(t, 3000)
	at := func(day int) time.Time { return time.Date(2026, 5, day, 3, 0, 0, 0, time.UTC) }
	steps := []struct {
		name      string
		day       int
		before    func()
		wantUsers bool // GET /users read (a full read)
		wantDelta int  // users/delta requests
	}{
		{"first run: full", 1, nil, true, 1},
		{"day 2, 1% churn: delta", 2, func() { d.tenant.Churn(0.01, 1) }, false, 1},
		{"same-day re-run: full", 2, nil, true, 1},
		{"day 3, 10% churn: delta over two pages", 3, func() { d.tenant.Churn(0.10, 2) }, false, 2},
		{"day 4, link refused: full", 4, func() { d.tenant.Churn(0.01, 3); d.tenant.ExpireDeltaTokens() }, true, 2},
		{"day 10: delta", 10, func() { d.tenant.Churn(0.01, 4) }, false, 1},
		{"day 11, last full read 7 days ago: full", 11, nil, true, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.before != nil {
				s.before()
			}
			n, reqs := d.day(t, "t", d.src, at(s.day))
			if got := reqs["users"] > 0; got != s.wantUsers {
				t.Errorf("GET /users read: got %t (%v), want %t", got, reqs, s.wantUsers)
			}
			if got := reqs["usersDelta"]; got != s.wantDelta {
				t.Errorf("users/delta requests: got %d, want %d", got, s.wantDelta)
			}
			// The reference: the same tenant read in full, without delta.
			d.day(t, "ref", plainSource{d.src}, at(s.day))
			got, want := d.picture("t", at(s.day)), d.picture("ref", at(s.day))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("snapshot: got %d rows, want %d, equal to a full read of the tenant", len(got), len(want))
			}
			if live := int64(len(d.tenant.LiveUsers())); n != live {
				t.Errorf("users: got %d, want %d", n, live)
			}
			st, ok, err := d.w.UserDeltaState(context.Background(), "t")
			if err != nil || !ok || !st.SnapshotDate.Equal(utcDate(at(s.day))) {
				t.Errorf("delta state: got %v %t %v, want one continuing %s", st, ok, err, at(s.day).Format(time.DateOnly))
			}
			if _, ok, _ := d.w.UserDeltaState(context.Background(), "ref"); ok {
				t.Errorf("a source without users/delta stored a delta state")
			}
		})
	}
}

// BenchmarkP5UsersDelta measures P5: the Graph user requests of day 2
// (1% churn, users/delta) over those of day 1 (a full read) for a
// 100k-user tenant, counted with graph.Config.Observe, and prints them
// beside the floor. Run it once:
//
//	go test ./cmd/seatledger/internal/pipeline -run '^$' -bench P5 -benchtime 1x
func BenchmarkP5UsersDelta(b *testing.B) {
	const users, churn = 100_000, 0.01
	var day1, day2 int
	for b.Loop() {
		d := newDeltaWorld(b, users)
		_, r1 := d.day(b, "t", d.src, time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC))
		res := d.tenant.Churn(churn, 1)
		_, r2 := d.day(b, "t", d.src, time.Date(2026, 5, 2, 3, 0, 0, 0, time.UTC))
		if r2["users"] != 0 {
			b.Fatalf("day 2 read GET /users (%v), want a delta round", r2)
		}
		day1, day2 = r1["users"]+r1["usersDelta"], r2["users"]+r2["usersDelta"]
		items := res.Changed + res.Added + res.Deleted
		floor1 := (users+graph.DefaultPageSize-1)/graph.DefaultPageSize + 1
		floor2 := (items + 199) / 200
		b.Logf("P5 %d users, %d changed/added/deleted: day 1 %d requests (floor %d: /users at 999 + one $deltatoken=latest), "+
			"day 2 %d requests (floor %d: delta pages hold 200); day2/day1 %.1f%% (floor %.1f%%, target <= 5%%)",
			users, items, day1, floor1, day2, floor2, 100*float64(day2)/float64(day1), 100*float64(floor2)/float64(floor1))
	}
	b.ReportMetric(float64(day1), "day1-requests")
	b.ReportMetric(float64(day2), "day2-requests")
	b.ReportMetric(100*float64(day2)/float64(day1), "day2/day1-%")
}

// TestDeltaLinkNeverLogged runs a full day, a delta day and a refused
// link with debug logs, and checks that neither the logs nor the printed
// state carry a delta token.
func TestDeltaLinkNeverLogged(t *testing.T) {
	d := newDeltaWorld(t, 300)
	var tokens []string
	for day, before := range []func(){nil, func() { d.tenant.Churn(0.05, 1) }, d.tenant.ExpireDeltaTokens} {
		if before != nil {
			before()
		}
		d.day(t, "t", d.src, time.Date(2026, 5, 1+day, 3, 0, 0, 0, time.UTC))
		st, _, err := d.w.UserDeltaState(context.Background(), "t")
		_, token, ok := strings.Cut(st.Link, "$deltatoken=")
		if err != nil || !ok || token == "" {
			t.Fatalf("day %d: stored link: got %v, want a deltaLink", day+1, err)
		}
		tokens = append(tokens, token)
		if line := fmt.Sprintf("%v %+v %s", st, st, st); strings.Contains(line, token) {
			t.Errorf("the delta state prints its token: %q", line)
		}
	}
	logs := d.logs.String()
	if !strings.Contains(logs, "users read incrementally") || !strings.Contains(logs, "delta link refused") {
		t.Fatalf("logs lack the delta and refused runs: %s", logs)
	}
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Errorf("logs carry a delta token")
		}
	}
}

// writeDefaultParams writes the default rules and the reference tables,
// which committed snapshots compute their marts with.
func writeDefaultParams(t testing.TB, w *load.Warehouse) {
	t.Helper()
	tables, err := xform.ParamTables(xform.Rules{InactivityDays: 90, GraceDays: 30}, xform.Pricing{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := xform.ReferenceTables()
	if err != nil {
		t.Fatal(err)
	}
	var out []load.ParamTable
	for _, tb := range append(tables, ref...) {
		pt := load.ParamTable{Name: tb.Name, Rows: tb.Rows}
		for _, c := range tb.Columns {
			pt.Columns = append(pt.Columns, load.Column(c))
		}
		out = append(out, pt)
	}
	if err := w.ReplaceParams(context.Background(), out); err != nil {
		t.Fatal(err)
	}
}
