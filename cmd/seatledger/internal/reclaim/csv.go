package reclaim

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

var usageLocationRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Row is one data row of a reclaim CSV.
type Row struct {
	Line              int    // 1-based line number in the file
	UserPrincipalName string // set when the file has a UserPrincipalName column
	ObjectID          string // set when the file has an ObjectId column
	SkuPartNumber     string
	Tenant            string // optional Tenant column
	UsageLocation     string // optional UsageLocation column (assign), upper-cased
}

// LineError is a problem with one line of a CSV (or of its resolution
// against the warehouse).
type LineError struct {
	Line int
	Msg  string
}

// Error implements error.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseCSV reads a reclaim CSV: a header naming UserPrincipalName or
// ObjectId (case-insensitive; both allowed), and SkuPartNumber unless
// requireSKU is false, and optionally Tenant and UsageLocation (a
// two-letter ISO 3166 code, for assign); other columns are ignored. A
// UTF-8 byte-order mark and CRLF line ends are accepted, as Excel writes
// them. Every bad line is reported (as a *LineError joined in the error),
// never only the first.
func ParseCSV(r io.Reader, requireSKU bool) ([]Row, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	upnCol, hasUPN := col["userprincipalname"]
	idCol, hasID := col["objectid"]
	skuCol, hasSKU := col["skupartnumber"]
	tenantCol, hasTenant := col["tenant"]
	locCol, hasLoc := col["usagelocation"]
	switch {
	case !hasUPN && !hasID:
		return nil, errors.New("CSV header: needs a UserPrincipalName or an ObjectId column")
	case requireSKU && !hasSKU:
		return nil, errors.New("CSV header: needs a SkuPartNumber column")
	}
	field := func(rec []string, i int, ok bool) string {
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []Row
	var errs []error
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, &LineError{Line: pe.Line, Msg: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("read CSV: %w", err)
		}
		row := Row{Line: line, UserPrincipalName: field(rec, upnCol, hasUPN), ObjectID: field(rec, idCol, hasID),
			SkuPartNumber: field(rec, skuCol, hasSKU), Tenant: field(rec, tenantCol, hasTenant),
			UsageLocation: strings.ToUpper(field(rec, locCol, hasLoc))}
		if strings.Join(rec, "") == "" {
			continue // blank line
		}
		switch {
		case row.UserPrincipalName == "" && row.ObjectID == "":
			errs = append(errs, &LineError{Line: line, Msg: "no UserPrincipalName or ObjectId"})
		case requireSKU && row.SkuPartNumber == "":
			errs = append(errs, &LineError{Line: line, Msg: "no SkuPartNumber"})
		case row.UsageLocation != "" && !usageLocationRE.MatchString(row.UsageLocation):
			errs = append(errs, &LineError{Line: line, Msg: fmt.Sprintf("UsageLocation %q: want a two-letter ISO 3166 code such as DE", row.UsageLocation)})
		default:
			rows = append(rows, row)
		}
	}
	if len(errs) > 0 {
		return rows, errors.Join(errs...)
	}
	if len(rows) == 0 {
		return nil, errors.New("CSV: no data rows")
	}
	return rows, nil
}
