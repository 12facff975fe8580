package bench

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/seatledger/seatledger/load"
)

// Targets of the history scenario: night N against night 1.
const (
	targetHistoryRun        = 1.3             // run wall
	targetHistoryReport     = 1.3             // report wall
	targetHistoryExport     = 1.5             // export wall
	targetHistoryQuery      = 1.5             // latest-mart query wall
	targetHistoryReportRSS  = 1 << 30         // report peak RSS, bytes (strictly below)
	targetHistoryGrowth     = 10.0            // warehouse size
	targetHistorySpendByDay = 2 * time.Second // spend by day over all nights (strictly below)
	// historyWindow nights at each end are averaged for the walls: one
	// night's wall on a shared 2-core host is noisy.
	historyWindow = 3
)

// HistorySummary is night N against night 1.
type HistorySummary struct {
	Window         int           `json:"window_nights"`
	Run            Ends          `json:"run"`
	Report         Ends          `json:"report"`
	Export         Ends          `json:"export"`
	Query          Ends          `json:"query"`
	ReportPeakRSS  int64         `json:"report_peak_rss_bytes"` // the highest of all nights
	BytesFirst     int64         `json:"warehouse_bytes_first"`
	BytesLast      int64         `json:"warehouse_bytes_last"`
	Growth         float64       `json:"warehouse_growth"`
	SpendByDay     time.Duration `json:"spend_by_day_last_ns"` // on the last night, over all nights
	SpendByDayMost time.Duration `json:"spend_by_day_max_ns"`  // the slowest sampled night
}

// Ends is a wall at the start and at the end of the history.
type Ends struct {
	First time.Duration `json:"first_ns"`
	Last  time.Duration `json:"last_ns"`
	Ratio float64       `json:"ratio"`
}

// summarize compares the last nights with the first.
func summarize(nights []HistoryNight) HistorySummary {
	s := HistorySummary{Window: min(historyWindow, len(nights))}
	if len(nights) == 0 {
		return s
	}
	endsOf := func(wall func(HistoryNight) time.Duration) Ends {
		walls := make([]time.Duration, len(nights))
		for i, n := range nights {
			walls[i] = wall(n)
		}
		first, last := meanEnds(walls, historyWindow)
		return Ends{First: first, Last: last, Ratio: ratio(last, first)}
	}
	s.Run = endsOf(func(n HistoryNight) time.Duration { return n.Run.Wall })
	s.Report = endsOf(func(n HistoryNight) time.Duration { return n.Report.Wall })
	s.Export = endsOf(func(n HistoryNight) time.Duration { return n.Export.Wall })
	s.Query = endsOf(func(n HistoryNight) time.Duration { return n.Query.Wall })
	for _, n := range nights {
		s.ReportPeakRSS = max(s.ReportPeakRSS, n.Report.PeakRSS)
		s.SpendByDayMost = max(s.SpendByDayMost, n.SpendByDay.Wall)
	}
	last := nights[len(nights)-1]
	s.BytesFirst, s.BytesLast, s.SpendByDay = nights[0].Bytes, last.Bytes, last.SpendByDay.Wall
	s.Growth = ratio(time.Duration(s.BytesLast), time.Duration(s.BytesFirst))
	return s
}

// meanEnds is the mean of the first k and of the last k values (k at most
// len(vals); the two overlap when there are fewer than 2k).
func meanEnds(vals []time.Duration, k int) (first, last time.Duration) {
	k = min(k, len(vals))
	if k <= 0 {
		return 0, 0
	}
	var a, b time.Duration
	for i := range k {
		a += vals[i]
		b += vals[len(vals)-k+i]
	}
	return a / time.Duration(k), b / time.Duration(k)
}

// historyRows are the table lines of the history scenario.
func historyRows(h *HistoryMeasure) []row {
	s := h.Summary
	name := "history"
	wall := func(metric string, e Ends, target float64) row {
		return row{name, metric + " night N / night 1",
			fmt.Sprintf("%.2f (%s -> %s)", e.Ratio, seconds(e.First), seconds(e.Last)), "-",
			fmt.Sprintf("<= %.2f", target), atMost(e.Ratio, target)}
	}
	return []row{
		wall("run wall", s.Run, targetHistoryRun),
		wall("report wall", s.Report, targetHistoryReport),
		wall("export wall", s.Export, targetHistoryExport),
		wall("latest-mart query wall", s.Query, targetHistoryQuery),
		{name, "report peak RSS (highest night)", mb(s.ReportPeakRSS), "-", "< " + mb(targetHistoryReportRSS),
			verdict(s.ReportPeakRSS > 0 && s.ReportPeakRSS < targetHistoryReportRSS)},
		{name, "warehouse size night N / night 1", fmt.Sprintf("%.2f (%s -> %s)", s.Growth, mb(s.BytesFirst), mb(s.BytesLast)), "-",
			fmt.Sprintf("<= %.0f", targetHistoryGrowth), atMost(s.Growth, targetHistoryGrowth)},
		{name, fmt.Sprintf("spend by day over %d nights", h.Nights), seconds(s.SpendByDay), "-",
			"< " + seconds(targetHistorySpendByDay), verdict(s.SpendByDay > 0 && s.SpendByDay < targetHistorySpendByDay)},
		{name, "spend by day, slowest sampled night", seconds(s.SpendByDayMost), "-", "-", ""},
	}
}

// atMost is the verdict of a ratio against its target; a ratio of 0 means
// a wall or size was missing.
func atMost(r, target float64) string {
	if r <= 0 {
		return "n/a"
	}
	return verdict(r <= target)
}

// printHistoryNotes prints how the history figures were taken and the
// warehouse's storage per table.
func printHistoryNotes(w io.Writer, m Measure) error {
	h := m.History
	k := h.Summary.Window
	fmt.Fprintf(w, "%-10s %d nights of %d users, %.0f %% daily churn, through the CLI (run, report, export, query); walls are the mean of nights 1-%d and %d-%d; per night: %s\n",
		m.Scenario, h.Nights, m.Users, h.Churn*100, k, h.Nights-k+1, h.Nights, h.CSV)
	st := h.Storage
	fmt.Fprintf(w, "warehouse after night %d: %s (DuckDB database_size), WAL %s, %d of %d blocks of %d KiB used, %d free\n",
		h.Nights, st.DatabaseSize, st.WALSize, st.UsedBlocks, st.TotalBlocks, st.BlockSize>>10, st.FreeBlocks)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TABLE\tROWS (est.)\tBLOCKS\tMB (blocks x size)\t")
	empty := 0
	for _, t := range st.Tables {
		if t.Blocks == 0 {
			empty++
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t\n", t.Name, t.Rows, t.Blocks, float64(t.Blocks*st.BlockSize)/(1<<20))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write storage table: %w", err)
	}
	fmt.Fprintf(w, "(%d more tables hold no block of their own; blocks are counted per table from pragma_storage_info, small tables may share one)\n", empty)
	return nil
}

// WarehouseUsage is the warehouse's storage, from DuckDB.
type WarehouseUsage struct {
	DatabaseSize string       `json:"database_size"`
	WALSize      string       `json:"wal_size"`
	BlockSize    int64        `json:"block_size"`
	TotalBlocks  int64        `json:"total_blocks"`
	UsedBlocks   int64        `json:"used_blocks"`
	FreeBlocks   int64        `json:"free_blocks"`
	Tables       []TableUsage `json:"tables"` // most blocks first
}

// TableUsage is one table's share: its estimated rows and the distinct
// persistent blocks its column segments sit in.
type TableUsage struct {
	Name   string `json:"table"`
	Rows   int64  `json:"estimated_rows"`
	Blocks int64  `json:"blocks"`
}

// storageOf opens the warehouse read-only and reads its storage, the
// tables with the most blocks first.
func storageOf(ctx context.Context, path string) (WarehouseUsage, error) {
	var u WarehouseUsage
	w, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return u, fmt.Errorf("open warehouse for its storage: %w", err)
	}
	defer w.Close()
	st, err := w.Storage(ctx)
	if err != nil {
		return u, err
	}
	u = WarehouseUsage{DatabaseSize: st.DatabaseSize, WALSize: st.WALSize, BlockSize: st.BlockSize,
		TotalBlocks: st.TotalBlocks, UsedBlocks: st.UsedBlocks, FreeBlocks: st.FreeBlocks}
	for _, t := range st.Tables {
		u.Tables = append(u.Tables, TableUsage{Name: t.Name, Rows: t.Rows, Blocks: t.Blocks})
	}
	slices.SortStableFunc(u.Tables, func(a, b TableUsage) int { return cmp.Compare(b.Blocks, a.Blocks) })
	return u, nil
}

// historyCSV writes one row per night as each night ends, so that a
// failed night leaves the nights before it (and its own exit codes).
type historyCSV struct {
	f *os.File
	w *csv.Writer
}

var historyCSVHeader = []string{"night", "date", "users",
	"run_wall_s", "run_peak_rss_bytes", "run_exit",
	"report_wall_s", "report_peak_rss_bytes", "report_exit",
	"export_wall_s", "export_peak_rss_bytes", "export_exit",
	"query_wall_s", "query_peak_rss_bytes", "query_exit",
	"spend_by_day_wall_s", "spend_by_day_peak_rss_bytes", "spend_by_day_exit",
	"warehouse_bytes", "spend", "spend_days"}

func newHistoryCSV(path string) (*historyCSV, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create history CSV: %w", err)
	}
	c := &historyCSV{f: f, w: csv.NewWriter(f)}
	if err := c.w.Write(historyCSVHeader); err != nil {
		f.Close()
		return nil, fmt.Errorf("write history CSV: %w", err)
	}
	return c, nil
}

func (c *historyCSV) write(n HistoryNight) error {
	row := []string{strconv.Itoa(n.Night), n.Date, strconv.Itoa(n.Users)}
	for _, f := range []ChildFigure{n.Run, n.Report, n.Export, n.Query, n.SpendByDay} {
		if f.Wall == 0 { // not run that night
			row = append(row, "", "", "")
			continue
		}
		row = append(row, strconv.FormatFloat(f.Wall.Seconds(), 'f', 3, 64),
			strconv.FormatInt(f.PeakRSS, 10), strconv.Itoa(f.Exit))
	}
	days := ""
	if n.Days > 0 {
		days = strconv.Itoa(n.Days)
	}
	row = append(row, strconv.FormatInt(n.Bytes, 10), n.Spend, days)
	if err := c.w.Write(row); err != nil {
		return fmt.Errorf("write history CSV: %w", err)
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write history CSV: %w", err)
	}
	return nil
}

// Close closes the file; a second call does nothing.
func (c *historyCSV) Close() error {
	if c.f == nil {
		return nil
	}
	f := c.f
	c.f = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("close history CSV: %w", err)
	}
	return nil
}
