package load_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// pageSize is Graph's largest $top for users.
const pageSize = 999

// BenchmarkAppendUsers loads one snapshot of 100k users with 1 to 3
// licences each (and as many assignment states), in Graph-sized pages,
// and commits it. It reports users/s, rows/s over the three tables, and
// the process's peak RSS (DuckDB's memory is not Go heap).
func BenchmarkAppendUsers(b *testing.B) {
	const n = 100_000
	users := genUsers(0, n)
	rows := int64(n) + 2*licenceRows(0, n)
	w, _ := mustOpen(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		appendSnapshot(b, w, fmt.Sprintf("run-%d", i), func(page func([]extract.User) error) error {
			for p := 0; p < n; p += pageSize {
				if err := page(users[p:min(p+pageSize, n)]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)*float64(b.N)/sec, "users/s")
	b.ReportMetric(float64(rows)*float64(b.N)/sec, "rows/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkAppendUsers1M streams one million users through AppendUsers,
// generating each page on the fly as the Graph client would, and reports
// the Go heap after the run and the process's peak RSS: neither may grow
// with the tenant. Run it alone: go test -run ^$ -bench AppendUsers1M.
func BenchmarkAppendUsers1M(b *testing.B) {
	const n = 1_000_000
	w, _ := mustOpen(b)
	var ms runtime.MemStats
	var peakHeap uint64
	for i := 0; i < b.N; i++ {
		appendSnapshot(b, w, fmt.Sprintf("run-%d", i), func(page func([]extract.User) error) error {
			for p := 0; p < n; p += pageSize {
				if err := page(genUsers(p, min(pageSize, n-p))); err != nil {
					return err
				}
				if p%(100*pageSize) == 0 {
					runtime.ReadMemStats(&ms)
					peakHeap = max(peakHeap, ms.HeapInuse)
				}
			}
			return nil
		})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkAppendActivity appends 100k usage-report rows one call each.
func BenchmarkAppendActivity(b *testing.B) {
	const n = 100_000
	w, _ := mustOpen(b)
	row := extract.ActivityRow{ReportRefreshDate: day1, DisplayName: "Firstname Lastname", AssignedProducts: "MICROSOFT 365 E3"}
	row.HasLicense = [6]bool{true, true, true, false, true, true}
	row.LastActivityDate[0], row.LastActivityDate[5] = day1.AddDate(0, 0, -2), day1.AddDate(0, 0, -40)
	for i := range 6 {
		row.LicenseAssignDate[i] = day1.AddDate(-1, 0, 0)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := w.BeginSnapshot(context.Background(), "contoso", day1, fmt.Sprintf("run-%d", i))
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; k < n; k++ {
			row.UserPrincipalName = "user" + strconv.Itoa(k) + "@contoso.onmicrosoft.com"
			if err := s.AppendActivity("D7", row); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Commit("ok"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func appendSnapshot(b *testing.B, w *load.Warehouse, runID string, users func(func([]extract.User) error) error) {
	b.Helper()
	s, err := w.BeginSnapshot(context.Background(), "contoso", day1, runID)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Rollback()
	if err := users(s.AppendUsers); err != nil {
		b.Fatal(err)
	}
	if err := s.Commit("ok"); err != nil {
		b.Fatal(err)
	}
}

// peakRSSMB is VmHWM from /proc/self/status, 0 where there is none.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
