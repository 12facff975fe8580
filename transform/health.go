package transform

import "regexp"

// concealedRE is the shape of a user principal name in a concealed usage
// report: 32 upper-case hex characters (an MD5 of the name). The SQL in
// sql/transform/10_stg_snapshots.sql uses the same pattern.
var concealedRE = regexp.MustCompile(`^[0-9A-F]{32}$`)

// LooksConcealed reports whether a usage-report user principal name is a
// concealed one. A report is concealed when its names look so and match no
// roster user, or when report settings say displayConcealedNames.
func LooksConcealed(upn string) bool { return concealedRE.MatchString(upn) }

// SnapshotHealthQuery reads, after the transforms ran, why the tenant
// snapshots of one day (args: snapshot_date) must count as degraded: the
// usage report was concealed, or no usable report was loaded. Columns:
// tenant, concealed, report_missing (BOOLEAN). One query for every tenant
// of the day: stg_snapshots is a view over the raw tables, and a query per
// tenant cost about 5 ms each. cmd marks a run degraded when either holds.
const SnapshotHealthQuery = `SELECT tenant, concealed, NOT has_report AS report_missing
FROM stg_snapshots WHERE snapshot_date = ?`
