package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/reports"

	"github.com/seatledger/seatledger/extract"
)

// ErrBadReport marks a usage report CSV that cannot be read: a missing
// column or a malformed row (the error names the column or line).
var ErrBadReport = errors.New("malformed usage report")

// Periods are the periods getOffice365ActiveUserDetail accepts, and
// getM365AppUserDetail and getMailboxUsageDetail too.
var Periods = []string{"D7", "D30", "D90", "D180"}

// ActivityReport streams reports/getOffice365ActiveUserDetail(period=...)
// row by row. Graph answers 302 to a pre-authenticated download URL; the
// pipeline follows it without the Authorization header. The request is
// built with the SDK's request builder but read through a response handler
// because the builder's Get buffers the whole CSV ([]byte) and a large
// tenant's report is hundreds of MB. A body truncated mid-stream is an
// error, not retried, once rows were handed to row (streamReport).
func (c *Client) ActivityReport(ctx context.Context, period string, row func(extract.ActivityRow) error) error {
	if !validPeriod(period) {
		return fmt.Errorf("usage report: period must be one of %s, got %q", strings.Join(Periods, ", "), period)
	}
	b := reports.NewGetOffice365ActiveUserDetailWithPeriodRequestBuilderInternal(map[string]string{}, c.adapter, &period)
	ri, err := b.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return fmt.Errorf("build usage report request: %w", err)
	}
	row, delivered := counted(row)
	return c.streamReport(ctx, ri, "usageReport", "usage report "+period, func(body io.Reader) error {
		return ParseActivityCSV(body, row)
	}, delivered)
}

func validPeriod(p string) bool {
	for _, v := range Periods {
		if p == v {
			return true
		}
	}
	return false
}

// ParseActivityCSV reads an Office 365 active-user-detail CSV from r
// streaming: a UTF-8 BOM is skipped, CRLF or LF accepted, the header is
// matched by name against extract.ActivityColumns (all required, extra
// columns ignored), booleans are True/False, dates YYYY-MM-DD and empty
// cells absent. Errors wrap ErrBadReport and name the column or line; they
// never quote a name or principal name.
func ParseActivityCSV(r io.Reader, row func(extract.ActivityRow) error) error {
	return readReport(r, extract.ActivityColumns, bindActivity, row)
}

// Column positions in extract.ActivityColumns.
const (
	colRefresh, colUPN, colName, colDeleted, colDeletedDate = 0, 1, 2, 3, 4
	colHasLicense, colLastActivity, colAssignDate           = 5, 11, 17
	colProducts                                             = 23
)

func bindActivity(h *reportHeader) func(*cells) extract.ActivityRow {
	cols := make([]col, len(extract.ActivityColumns))
	for i, name := range extract.ActivityColumns {
		cols[i] = h.col(name)
	}
	return func(d *cells) extract.ActivityRow {
		var r extract.ActivityRow
		r.ReportRefreshDate, r.UserPrincipalName, r.DisplayName = activityDate(d, cols[colRefresh]), d.text(cols[colUPN]), d.text(cols[colName])
		r.IsDeleted, r.DeletedDate = activityBool(d, cols[colDeleted]), activityDate(d, cols[colDeletedDate])
		for w := range extract.Workloads {
			r.HasLicense[w] = activityBool(d, cols[colHasLicense+w])
			r.LastActivityDate[w] = activityDate(d, cols[colLastActivity+w])
			r.LicenseAssignDate[w] = activityDate(d, cols[colAssignDate+w])
		}
		r.AssignedProducts = d.text(cols[colProducts])
		return r
	}
}

// activityDate and activityBool read the active-user report's cells as
// strictly as before the signal reports came: YYYY-MM-DD or empty, and
// True, False or empty.
func activityDate(d *cells, c col) time.Time {
	s, ok := d.raw(c)
	if !ok {
		return time.Time{}
	}
	t, err := ParseReportDate(s)
	if err != nil {
		d.err = fmt.Errorf("column %q: %w", c.name, err)
	}
	return t
}

func activityBool(d *cells, c col) bool {
	s, ok := d.raw(c)
	if !ok {
		return false
	}
	b, err := parseReportBool(s)
	if err != nil {
		d.err = fmt.Errorf("column %q: %w", c.name, err)
	}
	return b
}

// ParseReportDate parses a report date (YYYY-MM-DD, UTC); empty is the
// zero time.
func ParseReportDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a YYYY-MM-DD date, got %s", literal(s))
	}
	return t, nil
}

func parseReportBool(s string) (bool, error) {
	switch {
	case s == "" || strings.EqualFold(s, "False"):
		return false, nil
	case strings.EqualFold(s, "True"):
		return true, nil
	}
	return false, fmt.Errorf("want True or False, got %s", literal(s))
}
