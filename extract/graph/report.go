package graph

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/reports"

	"github.com/seatledger/seatledger/extract"
)

// ErrBadReport marks a usage report CSV that cannot be read: a missing
// column or a malformed row (the error names the column or line).
var ErrBadReport = errors.New("malformed usage report")

// Periods are the periods getOffice365ActiveUserDetail accepts.
var Periods = []string{"D7", "D30", "D90", "D180"}

// ActivityReport streams reports/getOffice365ActiveUserDetail(period=...)
// row by row. Graph answers 302 to a pre-authenticated download URL; the
// pipeline follows it without the Authorization header. The request is
// built with the SDK's request builder but read through a response handler
// because the builder's Get buffers the whole CSV ([]byte) and a large
// tenant's report is hundreds of MB. A body truncated mid-stream is an
// error, not retried: rows were already handed to row.
func (c *Client) ActivityReport(ctx context.Context, period string, row func(extract.ActivityRow) error) error {
	if !validPeriod(period) {
		return fmt.Errorf("usage report: period must be one of %s, got %q", strings.Join(Periods, ", "), period)
	}
	b := reports.NewGetOffice365ActiveUserDetailWithPeriodRequestBuilderInternal(map[string]string{}, c.adapter, &period)
	ri, err := b.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return fmt.Errorf("build usage report request: %w", err)
	}
	err = c.send(ctx, ri, callOption{endpoint: "usageReport", stream: true}, func(resp *http.Response) error {
		return ParseActivityCSV(resp.Body, row)
	})
	if err != nil {
		return fmt.Errorf("usage report %s: %w", period, err)
	}
	return nil
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
// matched by name against extract.ActivityColumns (extra columns are
// ignored), booleans are True/False, dates YYYY-MM-DD and empty cells
// absent. Errors wrap ErrBadReport and name the column or line; they never
// quote a name or principal name.
func ParseActivityCSV(r io.Reader, row func(extract.ActivityRow) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%w: empty report, no header", ErrBadReport)
	}
	if err != nil {
		return fmt.Errorf("%w: header: %w", ErrBadReport, err)
	}
	idx, err := columnIndex(header)
	if err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadReport, err)
		}
		line, _ := cr.FieldPos(0)
		ar, err := parseActivityRow(rec, idx)
		if err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrBadReport, line, err)
		}
		if err := row(ar); err != nil {
			return err
		}
	}
}

// columnIndex maps extract.ActivityColumns to their positions in header.
func columnIndex(header []string) ([]int, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		pos[strings.TrimSpace(h)] = i
	}
	idx := make([]int, len(extract.ActivityColumns))
	var missing []string
	for i, name := range extract.ActivityColumns {
		p, ok := pos[name]
		if !ok {
			missing = append(missing, fmt.Sprintf("%q", name))
		}
		idx[i] = p
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: header lacks column %s", ErrBadReport, strings.Join(missing, ", "))
	}
	return idx, nil
}

// Column positions in extract.ActivityColumns.
const (
	colRefresh, colUPN, colName, colDeleted, colDeletedDate = 0, 1, 2, 3, 4
	colHasLicense, colLastActivity, colAssignDate           = 5, 11, 17
	colProducts                                             = 23
)

func parseActivityRow(rec []string, idx []int) (extract.ActivityRow, error) {
	var r extract.ActivityRow
	cell := func(c int) (string, error) {
		if idx[c] >= len(rec) {
			return "", fmt.Errorf("%d fields, column %q missing", len(rec), extract.ActivityColumns[c])
		}
		return rec[idx[c]], nil
	}
	var errs []error
	date := func(c int) time.Time {
		s, err := cell(c)
		if err == nil {
			var t time.Time
			if t, err = ParseReportDate(s); err == nil {
				return t
			}
			err = fmt.Errorf("column %q: %w", extract.ActivityColumns[c], err)
		}
		errs = append(errs, err)
		return time.Time{}
	}
	boolean := func(c int) bool {
		s, err := cell(c)
		if err == nil {
			var b bool
			if b, err = parseReportBool(s); err == nil {
				return b
			}
			err = fmt.Errorf("column %q: %w", extract.ActivityColumns[c], err)
		}
		errs = append(errs, err)
		return false
	}
	text := func(c int) string {
		s, err := cell(c)
		if err != nil {
			errs = append(errs, err)
		}
		return s
	}
	r.ReportRefreshDate, r.UserPrincipalName, r.DisplayName = date(colRefresh), text(colUPN), text(colName)
	r.IsDeleted, r.DeletedDate = boolean(colDeleted), date(colDeletedDate)
	for w := range extract.Workloads {
		r.HasLicense[w] = boolean(colHasLicense + w)
		r.LastActivityDate[w] = date(colLastActivity + w)
		r.LicenseAssignDate[w] = date(colAssignDate + w)
	}
	r.AssignedProducts = text(colProducts)
	if len(errs) > 0 {
		return r, errs[0]
	}
	return r, nil
}

// ParseReportDate parses a report date (YYYY-MM-DD, UTC); empty is the
// zero time.
func ParseReportDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a YYYY-MM-DD date, got %q", s)
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
	return false, fmt.Errorf("want True or False, got %q", s)
}
