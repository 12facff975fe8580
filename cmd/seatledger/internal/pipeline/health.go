package pipeline

import (
	"slices"

	"github.com/seatledger/seatledger/load"
)

// Degradations found by the transforms, reported in Result.Degraded.
const (
	DegradedConcealed     = "usage_report_concealed"
	DegradedReportMissing = "usage_report_missing"
)

// healthProblems names what the transforms found wrong with a committed
// snapshot (load.Snapshot.Health), which then counts as degraded:
// reclamation candidates of a snapshot whose usage report is concealed or
// missing cannot be trusted. A report that failed to load is
// already among degraded and is not named twice.
func healthProblems(h load.Health, degraded []string) []string {
	var why []string
	if h.Concealed {
		why = append(why, DegradedConcealed)
	}
	if h.ReportMissing && !slices.Contains(degraded, DatasetUsageReport) {
		why = append(why, DegradedReportMissing)
	}
	return why
}
