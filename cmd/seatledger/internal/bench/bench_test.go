package bench

import (
	"context"
	"errors"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBenchFloor pins the floors the bench prints beside its figures.
func TestBenchFloor(t *testing.T) {
	cases := []struct {
		name        string
		s           scenario
		concurrency int
		chain       int
		want        time.Duration
	}{
		{"P1 100k users", scenarios[2], 4, 101, 101 * 200 * time.Millisecond},
		{"P6 1000 tenants, 4 at once", scenarios[3], 4, 1, 250 * 200 * time.Millisecond},
		{"P6 1000 tenants, 3 at once", scenarios[3], 3, 1, 334 * 200 * time.Millisecond},
		{"one page exactly", scenario{Tenants: 1, Users: 999, Latency: time.Second}, 1, 1, time.Second},
		{"one user more", scenario{Tenants: 1, Users: 1000, Latency: time.Second}, 1, 2, 2 * time.Second},
		{"zero latency", scenarios[1], 4, 1002, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.chain(); got != tc.chain {
				t.Errorf("chain: got %d, want %d", got, tc.chain)
			}
			if got := tc.s.floor(tc.concurrency); got != tc.want {
				t.Errorf("floor: got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestVmHWM(t *testing.T) {
	cases := []struct {
		name, status string
		want         int64
	}{
		{"present", "Name:\tseatledger\nVmPeak:\t  999 kB\nVmHWM:\t   123456 kB\nVmRSS:\t 1 kB\n", 123456 << 10},
		{"absent", "Name:\tseatledger\n", 0},
		{"garbled", "VmHWM:\tlots kB\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := vmHWM([]byte(tc.status)); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

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
	var nights []HistoryNight
	for i, run := range []time.Duration{2 * s, 2 * s, 2 * s, 9 * s, 3 * s, 3 * s, 3 * s} {
		n := HistoryNight{Night: i + 1, Run: ChildFigure{Wall: run}, Report: ChildFigure{Wall: s, PeakRSS: int64(100 + i)},
			Export: ChildFigure{Wall: s}, Query: ChildFigure{Wall: s}, Bytes: int64(10 * (i + 1))}
		if i == 0 || i == 6 {
			n.SpendByDay = ChildFigure{Wall: time.Duration(i+1) * 100 * time.Millisecond}
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
	rows := historyRows(&HistoryMeasure{Nights: 7, Summary: got})
	if rows[0].verdict != "MISSED" || rows[1].verdict != "ok" || rows[5].verdict != "ok" {
		t.Errorf("verdicts: got run %s, report %s, size %s; want MISSED, ok, ok", rows[0].verdict, rows[1].verdict, rows[5].verdict)
	}
}

// TestRunUsage: flags that make no sense fail as usage errors before
// anything runs.
func TestRunUsage(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"other scenario", Options{Scenarios: []string{"p6"}, Nights: 3, NightsSet: true}, "--nights: applies only to --scenario history"},
		{"default scenarios", Options{Nights: 3, NightsSet: true}, "--nights: applies only to --scenario history"},
		{"zero nights", Options{Scenarios: []string{"history"}, Nights: 0, NightsSet: true}, "--nights must be positive"},
		{"zero scale", Options{Nights: DefaultNights}, "--scale and --nights must be positive"},
		{"negative threads", Options{Scale: 1, Threads: -1, Nights: DefaultNights}, "--threads not negative"},
		{"unknown scenario", Options{Scenarios: []string{"p9"}, Scale: 1, Nights: DefaultNights}, `--scenario: unknown "p9", want one of load-100k, load-1m, p1, p6, nightly-100k, history`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.o.Scale == 0 && tc.name != "zero scale" {
				tc.o.Scale = 1
			}
			err := Run(context.Background(), Deps{}, tc.o)
			var ue exit.Error
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ue) {
				t.Errorf("got %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
}
