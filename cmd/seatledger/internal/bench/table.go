package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// The scale targets (README, Performance).
const (
	targetP1Ratio     = 1.10      // wall / latency floor, 100k users at 200 ms
	targetP2UsersPerS = 50_000    // users/s end to end, 1M users, 2 cores
	targetP3PeakRSS   = 500 << 20 // bytes, the 1M-user run
	targetP6Ratio     = 1.2       // wall / concurrency floor, 1,000 tenants
)

// row is one line of the table: a metric beside its floor and target.
type row struct {
	scenario, metric, measured, floor, target, verdict string
}

func printTable(w io.Writer, ms []Measure) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tMETRIC\tMEASURED\tFLOOR\tTARGET\tVERDICT")
	for _, m := range ms {
		for _, r := range tableRows(m) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.scenario, r.metric, r.measured, r.floor, r.target, r.verdict)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write bench table: %w", err)
	}
	for _, m := range ms {
		if m.History != nil {
			if err := printHistoryNotes(w, m); err != nil {
				return err
			}
			continue
		}
		if m.Nightly != nil {
			printNightlyNotes(w, m)
			continue
		}
		fmt.Fprintf(w, "%-10s %s: %d tenant(s) x %d users, concurrency %d, latency %s; run %s = extract+load %s + transforms %s; %d Graph requests, %d tenant(s) failed\n",
			m.Scenario, m.Title, m.Tenants, m.Users, m.Concurrency, m.Latency, seconds(m.Wall), seconds(m.Extract), seconds(m.Transform), m.Requests, m.Failed)
	}
	if len(ms) > 0 {
		fmt.Fprintf(w, "measured on %s\n", ms[0].Cores)
	}
	return nil
}

// tableRows turns one measurement into table lines; which metrics carry a
// target depends on the scenario.
func tableRows(m Measure) []row {
	ups := fmt.Sprintf("%.0f", m.usersPerSecond())
	upsExtract := fmt.Sprintf("%.0f", float64(m.Loaded)/max(m.Extract.Seconds(), 1e-9))
	switch {
	case m.Nightly != nil:
		return nightlyRows(m)
	case m.History != nil:
		return historyRows(m.History)
	}
	switch m.Scenario {
	case "load-1m":
		return []row{
			{"P2 " + m.Scenario, "users/s end to end", ups, "-", fmt.Sprintf(">= %d", targetP2UsersPerS), verdict(m.usersPerSecond() >= targetP2UsersPerS)},
			{"P2 " + m.Scenario, "users/s extract+load", upsExtract, "-", "-", ""},
			{"P3 " + m.Scenario, "peak RSS", mb(m.PeakRSS), "-", "<= " + mb(targetP3PeakRSS), verdict(m.PeakRSS <= targetP3PeakRSS)},
			{"P3 " + m.Scenario, "peak Go heap", mb(int64(m.PeakHeap)), "-", "-", ""},
			{"P3 " + m.Scenario, "peak Go runtime", mb(int64(m.GoPeak)), "-", "-", ""},
		}
	case "p1", "p6":
		target := targetP1Ratio
		if m.Scenario == "p6" {
			target = targetP6Ratio
		}
		ratio := m.Wall.Seconds() / max(m.Floor.Seconds(), 1e-9)
		extractRatio := m.Extract.Seconds() / max(m.Floor.Seconds(), 1e-9)
		floor := fmt.Sprintf("%s (%d x %d req x %s)", seconds(m.Floor), (m.Tenants+m.Concurrency-1)/m.Concurrency, m.Chain, m.Latency)
		name := "P1 " + m.Scenario
		if m.Scenario == "p6" {
			name = "P6 " + m.Scenario
		}
		return []row{
			{name, "wall (run)", seconds(m.Wall), floor, "", ""},
			{name, "wall / floor", fmt.Sprintf("%.3f", ratio), "1", fmt.Sprintf("<= %.2f", target), verdict(ratio <= target)},
			{name, "extract+load / floor", fmt.Sprintf("%.3f", extractRatio), "1", "-", ""},
		}
	default:
		return []row{
			{m.Scenario, "users/s end to end", ups, "-", "-", ""},
			{m.Scenario, "users/s extract+load", upsExtract, "-", "-", ""},
			{m.Scenario, "peak RSS", mb(m.PeakRSS), "-", "-", ""},
			{m.Scenario, "peak Go heap", mb(int64(m.PeakHeap)), "-", "-", ""},
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
