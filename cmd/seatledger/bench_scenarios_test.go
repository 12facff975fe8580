package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBenchMeanEnds(t *testing.T) {
	s := time.Second
	cases := []struct {
		name        string
		vals        []time.Duration
		k           int
		first, last time.Duration
	}{
		{"none", nil, 3, 0, 0},
		{"one night", []time.Duration{2 * s}, 3, 2 * s, 2 * s},
		{"fewer than 2k overlap", []time.Duration{1 * s, 2 * s, 3 * s, 4 * s}, 3, 2 * s, 3 * s},
		{"exactly 2k", []time.Duration{1 * s, 2 * s, 3 * s, 7 * s, 8 * s, 9 * s}, 3, 2 * s, 8 * s},
		{"middle ignored", []time.Duration{1 * s, 1 * s, 1 * s, 99 * s, 2 * s, 2 * s, 2 * s}, 3, 1 * s, 2 * s},
		{"k of 1", []time.Duration{1 * s, 5 * s, 3 * s}, 1, 1 * s, 3 * s},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, last := meanEnds(tc.vals, tc.k)
			if first != tc.first || last != tc.last {
				t.Errorf("got %s and %s, want %s and %s", first, last, tc.first, tc.last)
			}
		})
	}
}

func TestBenchRatioVerdict(t *testing.T) {
	cases := []struct {
		name     string
		num, den time.Duration
		target   float64
		ratio    float64
		verdict  string
	}{
		{"under", time.Second, 2 * time.Second, 1, 0.5, "ok"},
		{"at the target", 13 * time.Second, 10 * time.Second, 1.3, 1.3, "ok"},
		{"over", 3 * time.Second, 2 * time.Second, 1, 1.5, "MISSED"},
		{"no denominator", time.Second, 0, 1, 0, "n/a"},
		{"no numerator", 0, time.Second, 1, 0, "n/a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ratio(tc.num, tc.den)
			if math.Abs(r-tc.ratio) > 1e-9 {
				t.Errorf("ratio: got %g, want %g", r, tc.ratio)
			}
			if got := atMost(r, tc.target); got != tc.verdict {
				t.Errorf("verdict: got %s, want %s", got, tc.verdict)
			}
		})
	}
}

func TestBenchSampled(t *testing.T) {
	var got []int
	for n := 1; n <= 25; n++ {
		if sampled(n, 25) {
			got = append(got, n)
		}
	}
	if want := []int{1, 10, 20, 25}; !slices.Equal(got, want) {
		t.Errorf("sampled nights of 25: got %v, want %v", got, want)
	}
}

// TestBenchHistorySummary: night N against night 1 from the means of the first and
// last three nights, the highest report RSS, the sizes of the first and
// last night and the last night's spend by day.
func TestBenchHistorySummary(t *testing.T) {
	s := time.Second
	var nights []historyNight
	for i, run := range []time.Duration{2 * s, 2 * s, 2 * s, 9 * s, 3 * s, 3 * s, 3 * s} {
		n := historyNight{Night: i + 1, Run: childFigure{Wall: run}, Report: childFigure{Wall: s, PeakRSS: int64(100 + i)},
			Export: childFigure{Wall: s}, Query: childFigure{Wall: s}, Bytes: int64(10 * (i + 1))}
		if i == 0 || i == 6 {
			n.SpendByDay = childFigure{Wall: time.Duration(i+1) * 100 * time.Millisecond}
		}
		nights = append(nights, n)
	}
	got := summarize(nights)
	if got.Window != 3 || got.Run.First != 2*s || got.Run.Last != 3*s || got.Run.Ratio != 1.5 {
		t.Errorf("run: got %+v over %d nights, want 2s -> 3s = 1.5 over 3", got.Run, got.Window)
	}
	if got.Report.Ratio != 1 || got.ReportPeakRSS != 106 {
		t.Errorf("report: got ratio %g and peak %d, want 1 and 106", got.Report.Ratio, got.ReportPeakRSS)
	}
	if got.BytesFirst != 10 || got.BytesLast != 70 || got.Growth != 7 {
		t.Errorf("size: got %d -> %d = %g, want 10 -> 70 = 7", got.BytesFirst, got.BytesLast, got.Growth)
	}
	if got.SpendByDay != 700*time.Millisecond || got.SpendByDayMost != 700*time.Millisecond {
		t.Errorf("spend by day: got %s (slowest %s), want 700ms", got.SpendByDay, got.SpendByDayMost)
	}
	rows := historyRows(&historyMeasure{Nights: 7, Summary: got})
	if rows[0].verdict != "MISSED" || rows[1].verdict != "ok" || rows[5].verdict != "ok" {
		t.Errorf("verdicts: got run %s, report %s, size %s; want MISSED, ok, ok", rows[0].verdict, rows[1].verdict, rows[5].verdict)
	}
}

func TestBenchNightsOnlyForHistory(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"other scenario", []string{"--scenario", "p6", "--nights", "3"}, "--nights: applies only to --scenario history"},
		{"default scenarios", []string{"--nights", "3"}, "--nights: applies only to --scenario history"},
		{"zero nights", []string{"--scenario", "history", "--nights", "0"}, "--nights must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runMain(t, nil, append([]string{"bench"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// benchJSON runs the built binary's bench with args and --json and
// decodes its one measurement.
func benchJSON(t *testing.T, args ...string) benchMeasure {
	t.Helper()
	out, errOut, code := runBinary(t, nil, append([]string{"bench", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("bench %v: exit %d, stderr:\n%s", args, code, errOut)
	}
	var m benchMeasure
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	return m
}

// TestBenchNightly runs nightly-100k at 1,000 users: both walls, the
// stages that add up to the job, and the ratio of the two walls.
func TestBenchNightly(t *testing.T) {
	m := benchJSON(t, "--scenario", "nightly-100k", "--scale", "0.01")
	nm := m.Nightly
	if nm == nil {
		t.Fatalf("no nightly figures in %+v", m)
	}
	if m.Users != 1000 || m.Loaded != 1000 || nm.SDKUsers != 1000 {
		t.Errorf("users: got %d, loaded %d, SDK read %d; want 1000 each", m.Users, m.Loaded, nm.SDKUsers)
	}
	for name, d := range map[string]time.Duration{"SDK read": nm.SDKRead, "job": nm.Job, "extract+load": nm.ExtractLoad,
		"transform": nm.Transform, "workbook": nm.Workbook, "parquet": nm.Parquet} {
		if d <= 0 {
			t.Errorf("%s wall: got %s, want > 0", name, d)
		}
	}
	if sum := nm.ExtractLoad + nm.Transform + nm.Workbook + nm.Parquet + nm.Other; sum != nm.Job || nm.Job != m.Wall {
		t.Errorf("stages add up to %s, job %s, wall %s; want all equal", sum, nm.Job, m.Wall)
	}
	if want := nm.Job.Seconds() / nm.SDKRead.Seconds(); math.Abs(nm.Ratio-want) > 1e-9 {
		t.Errorf("ratio: got %g, want job / SDK read = %g", nm.Ratio, want)
	}
	if m.PeakRSS <= 0 || nm.SDKPeakRSS <= 0 {
		t.Errorf("peak RSS: got job %d, SDK read %d; want both > 0", m.PeakRSS, nm.SDKPeakRSS)
	}
	n := nm.Next
	if n == nil || n.Job <= 0 || n.Requests <= 0 {
		t.Fatalf("next night: got %+v, want a job and its requests", n)
	}
	if sum := n.ExtractLoad + n.Transform + n.Workbook + n.Parquet + n.Other; sum != n.Job {
		t.Errorf("next night: stages add up to %s, job %s; want equal", sum, n.Job)
	}
}

// TestBenchHistory runs three nights of a 200-user tenant through the
// CLI: every command's figures, one CSV row per night, a warehouse that
// does not shrink, spend by day over every night on the sampled ones,
// and the storage per table.
func TestBenchHistory(t *testing.T) {
	dir := t.TempDir()
	m := benchJSON(t, "--scenario", "history", "--scale", "0.01", "--nights", "3", "--dir", dir)
	h := m.History
	if h == nil || len(h.Night) != 3 {
		t.Fatalf("history: got %+v, want 3 nights", h)
	}
	for i, n := range h.Night {
		for name, f := range map[string]childFigure{"run": n.Run, "report": n.Report, "export": n.Export, "query": n.Query} {
			if f.Wall <= 0 || f.PeakRSS <= 0 || f.Exit != 0 {
				t.Errorf("night %d %s: got %+v, want a wall, a peak RSS and exit 0", n.Night, name, f)
			}
		}
		if want := i != 1; (n.SpendByDay.Wall > 0) != want || (want && n.Days != n.Night) {
			t.Errorf("night %d spend by day: got %s over %d days, want sampled %v", n.Night, n.SpendByDay.Wall, n.Days, want)
		}
		if n.Bytes <= 0 || n.Spend == "" || n.Users < 190 {
			t.Errorf("night %d: got %d bytes, spend %q, %d users; want all set", n.Night, n.Bytes, n.Spend, n.Users)
		}
	}
	if first, last := h.Night[0].Bytes, h.Night[2].Bytes; last < first {
		t.Errorf("warehouse size: got %d on night 3 after %d on night 1, want it not to shrink", last, first)
	}
	if h.Summary.Run.Ratio <= 0 || h.Summary.Growth <= 0 || len(h.Storage.Tables) == 0 || h.Storage.BlockSize <= 0 {
		t.Errorf("summary: got %+v and %d tables of storage, want ratios and tables", h.Summary, len(h.Storage.Tables))
	}
	f, err := os.Open(filepath.Join(dir, "history", "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 4 || records[0][0] != "night" || records[3][0] != "3" {
		t.Errorf("history.csv: got %d records (%v ...), want a header and 3 nights", len(records), records[0])
	}
}

// TestBenchNightlyHistoryTable runs both scenarios in child processes
// (--nights passed on to history's) and checks the table.
func TestBenchNightlyHistoryTable(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "bench", "--scenario", "nightly-100k,history", "--scale", "0.01", "--nights", "2")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"SDK read: Users().Get + PageIterator", "job / SDK read", "<= 1.00",
		"run wall night N / night 1", "<= 1.30", "<= 1.50", "< 1024 MB", "spend by day over 2 nights", "< 2.00 s",
		"2 nights of 200 users", "walls are the mean of nights 1-2 and 1-2", "main.raw_users", "measured on"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
