package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seatledger/seatledger/reports"
)

// userColumns are mart_user_licenses' 17 contract columns.
var userColumns = []string{"tenant", "as_of", "user_id", "user_principal_name", "display_name", "department",
	"cost_center", "account_enabled", "user_type", "sku_id", "sku_part_number", "assigned_direct",
	"assigned_by_groups", "assigned_at", "workloads", "last_activity_date", "idle_days"}

const benchRows = 1_000_000

// userRows is a pool of distinct rows the benchmarks cycle through, as
// database/sql hands them over.
func userRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{"contoso", asOf, fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
			fmt.Sprintf("user%d@contoso.example", i), fmt.Sprintf("User %d", i), "Sales", "CC-" + strconv.Itoa(100+i%7),
			i%13 != 0, "Member", "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", i%3 != 0,
			[]any{"aaaaaaaa-0000-0000-0000-000000000001"}, asOf.AddDate(-1, 0, -i%300),
			[]any{"Exchange", "OneDrive", "SharePoint", "Teams"}, asOf.AddDate(0, 0, -i%120), int64(i % 120)}
	}
	return rows
}

// peak samples the heap while a benchmark runs and reads the process's
// peak resident set (VmHWM) after resetting it, as b.ReportMetric figures.
type peak struct {
	stop chan struct{}
	wg   sync.WaitGroup
	heap uint64
}

func startPeak() *peak {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux)
	p := &peak{stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p.heap = max(p.heap, ms.HeapInuse)
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peak) report(b *testing.B) {
	close(p.stop)
	p.wg.Wait()
	b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MB")
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var n float64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), &n); err != nil {
				b.Fatalf("VmHWM %q: %v", kb, err)
			}
			b.ReportMetric(n/1024, "peak-RSS-MB")
		}
	}
}

func BenchmarkWorkbook1M(b *testing.B) {
	pool := userRows(1000)
	s := reports.MartSheet("mart_user_licenses", userColumns)
	s.RowCount = benchRows
	s.Rows = func(yield func([]any) error) error {
		for i := range benchRows {
			if err := yield(pool[i%len(pool)]); err != nil {
				return err
			}
		}
		return nil
	}
	path := filepath.Join(b.TempDir(), "users.xlsx")
	b.ReportAllocs()
	p := startPeak()
	for b.Loop() {
		if err := reports.Write(context.Background(), path, reports.Workbook{Sheets: []reports.Sheet{s}}); err != nil {
			b.Fatal(err)
		}
	}
	p.report(b)
}

// BenchmarkBareStreamWriter writes the same cells (values already in
// their final form, styles made once) with excelize alone: the floor
// BenchmarkWorkbook1M is measured against.
func BenchmarkBareStreamWriter(b *testing.B) {
	pool := userRows(1000)
	path := filepath.Join(b.TempDir(), "bare.xlsx")
	b.ReportAllocs()
	p := startPeak()
	for b.Loop() {
		if err := bare(path, pool); err != nil {
			b.Fatal(err)
		}
	}
	p.report(b)
}

func bare(path string, pool [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{}
	for _, code := range []string{"yyyy-mm-dd", "yyyy-mm-dd hh:mm", "#,##0"} {
		c := code
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &c})
		if err != nil {
			return err
		}
		styles[code] = id
	}
	cells := make([][]any, len(pool))
	for i, r := range pool {
		row := make([]any, len(r))
		copy(row, r)
		row[1] = excelize.Cell{StyleID: styles["yyyy-mm-dd"], Value: r[1]}
		row[12] = strings.Join([]string{r[12].([]any)[0].(string)}, "; ")
		row[13] = excelize.Cell{StyleID: styles["yyyy-mm-dd hh:mm"], Value: r[13]}
		row[14] = "Exchange; OneDrive; SharePoint; Teams"
		row[15] = excelize.Cell{StyleID: styles["yyyy-mm-dd"], Value: r[15]}
		row[16] = excelize.Cell{StyleID: styles["#,##0"], Value: r[16]}
		cells[i] = row
	}
	last, _ := excelize.CoordinatesToCellName(len(userColumns), benchRows+1)
	if err := f.SetSheetDimension("Sheet1", "A1:"+last); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	header := make([]any, len(userColumns))
	for i, c := range userColumns {
		header[i] = c
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range benchRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells[i%len(cells)]); err != nil {
			return err
		}
	}
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Users"}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
