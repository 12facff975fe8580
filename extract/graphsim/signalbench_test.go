package graphsim

import (
	"io"
	"testing"
	"time"
)

// BenchmarkSignalReports generates and writes each usage-signal report's
// full CSV body for a 100,000-user tenant into io.Discard: the
// simulator's own cost of serving the reports, without TLS or a client.
// The nightly tenant is the nightly benchmark's first night (seed 1, day
// 0, no Copilot); the other has lived five days of 1% churn with Copilot
// on 30% of the suite holders. Run with -cpu 1 as well: with more, the
// garbage collector's share runs beside the benchmark and ns/op hides it.
func BenchmarkSignalReports(b *testing.B) {
	now := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	tenants := []struct {
		name string
		gen  GenOptions
	}{
		{"nightly", GenOptions{Users: 100_000, Seed: 1, Now: now}},
		{"day5-copilot", GenOptions{Users: 100_000, Seed: 1, Now: now, Day: 5, DailyChurn: 0.01, CopilotSeats: 0.3}},
	}
	reports := []struct {
		name   string
		kind   reportKind
		period string
	}{
		{"copilot", reportCopilot, "D30"},
		{"apps", reportApps, "D90"},
		{"activations", reportActivations, ""},
		{"mailbox", reportMailbox, "D7"},
	}
	for _, tc := range tenants {
		tn := Generate(tc.gen)
		s, err := NewServer(tn, ServerOptions{Dir: b.TempDir()})
		if err != nil {
			b.Fatalf("NewServer: %v", err)
		}
		for _, rep := range reports {
			b.Run(tc.name+"/"+rep.name, func(b *testing.B) {
				var n countingWriter
				if err := s.writeSignal(&n, rep.kind, rep.period); err != nil {
					b.Fatalf("write %s: %v", rep.name, err)
				}
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := s.writeSignal(io.Discard, rep.kind, rep.period); err != nil {
						b.Fatalf("write %s: %v", rep.name, err)
					}
				}
				b.ReportMetric(float64(tn.UserCount()*b.N)/b.Elapsed().Seconds(), "users/s")
			})
		}
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
