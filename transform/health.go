package transform

import "regexp"

// concealedRE is the shape of a user principal name in a concealed usage
// report: 32 upper-case hex characters (an MD5 of the name). The SQL in
// sql/transform/10_stg_hex_report_rows.sql uses the same pattern for every
// report.
var concealedRE = regexp.MustCompile(`^[0-9A-F]{32}$`)

// LooksConcealed reports whether a usage-report user principal name is a
// concealed one. A report is concealed when its names look so and match no
// roster user, or when report settings say displayConcealedNames.
func LooksConcealed(upn string) bool { return concealedRE.MatchString(upn) }
