package graphsim

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// The usage report: GET /reports/getOffice365ActiveUserDetail(period='D7')
// answers 302 Found with a short-lived, pre-authenticated download URL on
// the same host; the download streams the CSV. Every period yields the
// same rows: the report's last-activity dates are all-time anyway.
//
// CSV format, as Graph serves it: a UTF-8 BOM, the 24-column header of
// graph-examples/office365ActiveUserDetail.v1.csv, booleans True/False,
// dates YYYY-MM-DD, empty fields for null, "Assigned Products" joined with
// "+", fields quoted only where needed. Lines end with LF, as in the one
// real concealed sample (shared/data, pnp/cli-microsoft365); ReportCRLF
// switches to CRLF to exercise parsers.

// reportLink is a download link: until when it works, which report it
// serves and for which period.
type reportLink struct {
	expires time.Time
	kind    reportKind
	period  string
}

var reportPeriods = map[string]bool{"D7": true, "D30": true, "D90": true, "D180": true}

func (s *Server) serveReport(w http.ResponseWriter, r *http.Request, arg string) {
	param, ok := strings.CutSuffix(arg, ")")
	if !ok {
		s.graphError(w, r, badRequest("Malformed function call: missing ')'."))
		return
	}
	name, value, _ := strings.Cut(param, "=")
	switch strings.TrimSpace(name) {
	case "period":
		p := strings.Trim(strings.TrimSpace(value), "'")
		if !reportPeriods[p] || !strings.HasPrefix(strings.TrimSpace(value), "'") {
			s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
				Message: fmt.Sprintf("Invalid value '%s' for parameter 'period'. Supported values are D7, D30, D90 and D180.", value)})
			return
		}
	case "date":
		d, err := time.Parse("2006-01-02", strings.TrimSpace(value))
		if err != nil || d.After(s.tenant.refresh) || d.Before(s.tenant.refresh.AddDate(0, 0, -30)) {
			s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
				Message: fmt.Sprintf("Invalid value '%s' for parameter 'date'. It must be a date of the last 30 days, YYYY-MM-DD.", value)})
			return
		}
	default:
		s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
			Message: "The function getOffice365ActiveUserDetail takes a 'period' or a 'date' parameter."})
		return
	}
	s.redirect(w, reportLink{})
}

// redirect answers 302 Found with a fresh download link for l's report,
// valid for ReportLinkTTL.
func (s *Server) redirect(w http.ResponseWriter, l reportLink) {
	token := make([]byte, 24)
	_, _ = rand.Read(token) // crypto/rand.Read never fails on supported platforms
	id := b64.EncodeToString(token)
	s.mu.Lock()
	now := time.Now()
	for k, l := range s.links {
		if now.After(l.expires.Add(time.Hour)) {
			delete(s.links, k)
		}
	}
	l.expires = now.Add(s.opts.ReportLinkTTL)
	s.links[id] = l
	s.mu.Unlock()
	w.Header().Set("Location", s.URL()+"/data/download/"+id)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}

// serveDownload streams the report CSV for a valid link: unknown links
// answer 404, expired ones 403; the first TruncateDownloads are cut short.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	l, ok := s.links[id]
	s.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "The requested download link does not exist.", http.StatusNotFound)
		return
	case time.Now().After(l.expires):
		http.Error(w, "The download link has expired. Request the report again.", http.StatusForbidden)
		return
	case r.Method != http.MethodGet:
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+signalCalls[l.kind].file+`"`)
	if s.truncateDownload(w, l) {
		return
	}
	w.WriteHeader(http.StatusOK)
	if err := s.writeLink(w, l); err != nil {
		s.log.Debug("graphsim report download interrupted", "err", err)
	}
}

// writeLink streams the report of a download link.
func (s *Server) writeLink(w io.Writer, l reportLink) error {
	if l.kind == reportOffice365 {
		return s.writeReport(w)
	}
	return s.writeSignal(w, l.kind, l.period)
}

// writeReport streams the whole report, one row at a time.
func (s *Server) writeReport(w io.Writer) error {
	eol := "\n"
	if s.opts.ReportCRLF {
		eol = "\r\n"
	}
	bw := bufio.NewWriterSize(w, 64*1024)
	if _, err := bw.WriteString("\ufeff" + strings.Join(extract.ActivityColumns, ",") + eol); err != nil {
		return fmt.Errorf("write report header: %w", err)
	}
	line := make([]byte, 0, 512)
	n := 0
	for row := range s.tenant.ReportRows() {
		n++
		line = s.mangleReportRow(appendReportRow(line[:0], row), n)
		line = append(line, eol...)
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("write report row: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("flush report: %w", err)
	}
	return nil
}

// appendReportRow renders one row as a CSV line without its terminator.
func appendReportRow(b []byte, r extract.ActivityRow) []byte {
	b = appendDate(b, r.ReportRefreshDate)
	b = appendCSV(append(b, ','), r.UserPrincipalName)
	b = appendCSV(append(b, ','), r.DisplayName)
	b = appendCSVBool(append(b, ','), r.IsDeleted)
	b = appendDate(append(b, ','), r.DeletedDate)
	for _, v := range r.HasLicense {
		b = appendCSVBool(append(b, ','), v)
	}
	for _, d := range r.LastActivityDate {
		b = appendDate(append(b, ','), d)
	}
	for _, d := range r.LicenseAssignDate {
		b = appendDate(append(b, ','), d)
	}
	return appendCSV(append(b, ','), r.AssignedProducts)
}

func appendDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	y, m, d := t.UTC().Date()
	if y < 0 || y > 9999 {
		return t.UTC().AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

func appendCSVBool(b []byte, v bool) []byte {
	if v {
		return append(b, "True"...)
	}
	return append(b, "False"...)
}

// appendCSV quotes a field only when it holds a comma, quote or newline.
func appendCSV[S ~string | ~[]byte](b []byte, s S) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"') // doubled
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// needsQuotes reports whether s holds a comma, quote or newline
// (strings.ContainsAny(s, ",\"\r\n"), byte by byte: they are all ASCII).
func needsQuotes[S ~string | ~[]byte](s S) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}
