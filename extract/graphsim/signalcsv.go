package graphsim

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// The signal reports' CSV: like the Office 365 report (a UTF-8 BOM, the
// documented header, dates YYYY-MM-DD, fields quoted only where needed,
// LF or, with ReportCRLF, CRLF), with absent dates empty or, with
// ReportNullDates, the literal null; Apps usage flags Yes/No (True/False
// with AppsUsageTrueFalse: the literal is undocumented); other booleans
// True/False; Recipient Type Shared/User (SharedMailbox/UserMailbox with
// MailboxRecipientTypeDetails).

// csvStyle is how the server writes the signal reports' cells.
type csvStyle struct {
	eol                          string
	nullDates, trueFalse, detail bool
}

func (s *Server) csvStyle() csvStyle {
	c := csvStyle{eol: "\n", nullDates: s.opts.ReportNullDates, trueFalse: s.opts.AppsUsageTrueFalse,
		detail: s.opts.MailboxRecipientTypeDetails}
	if s.opts.ReportCRLF {
		c.eol = "\r\n"
	}
	return c
}

// writeSignal streams signal report k for period, one row at a time.
func (s *Server) writeSignal(w io.Writer, k reportKind, period string) error {
	name := signalCalls[k].name
	sw := &signalWriter{csvStyle: s.csvStyle(), t: s.tenant, period: period, bw: bufio.NewWriterSize(w, 64*1024),
		line: make([]byte, 0, 512), names: make([]byte, 0, 256)}
	var columns []string
	var rows func() error
	switch k {
	case reportCopilot:
		columns, rows = extract.CopilotUsageColumns, sw.copilotRows
	case reportApps:
		columns, rows = extract.AppsUsageColumns, sw.appsRows
	case reportActivations:
		columns, rows = extract.ActivationColumns, sw.activationRows
	case reportMailbox:
		columns, rows = extract.MailboxUsageColumns, sw.mailboxRows
	default:
		return fmt.Errorf("write report: no signal report %d", k)
	}
	if _, err := sw.bw.WriteString("\ufeff" + strings.Join(columns, ",") + sw.eol); err != nil {
		return fmt.Errorf("write %s header: %w", name, err)
	}
	if err := rows(); err != nil {
		return fmt.Errorf("write %s row: %w", name, err)
	}
	if err := sw.bw.Flush(); err != nil {
		return fmt.Errorf("flush %s: %w", name, err)
	}
	return nil
}

// signalWriter writes the rows of one signal report download: the rows
// the Tenant methods return, with the names spelled straight into the
// line. A row allocates nothing: lines and names go to buffers reused
// from row to row.
type signalWriter struct {
	csvStyle
	t      *Tenant
	period string
	bw     *bufio.Writer
	line   []byte // the line being written
	names  []byte // the names of the user being written
}

// emit ends line b and writes it, keeping its buffer for the next line.
func (w *signalWriter) emit(b []byte) error {
	w.line = append(b, w.eol...)
	_, err := w.bw.Write(w.line)
	return err
}

// spell spells user i's names (drawn as d) as reportNamesOf does, into
// w.names.
func (w *signalWriter) spell(i int, d nameDraw) (upn, display []byte) {
	b, n := w.t.appendReportNames(w.names[:0], i, d)
	upn, display = b[n:], b[:n]
	if w.t.ReportSettings().DisplayConcealedNames {
		m := len(b)
		b = appendConcealed(appendConcealed(b, upn), display)
		upn, display = b[m:m+32], b[m+32:]
	}
	w.names = b
	return upn, display
}

// copilotRows writes CopilotUsageRows(w.period).
func (w *signalWriter) copilotRows() error {
	if w.t.skus <= skuCopilot {
		return nil // no Copilot, no holders
	}
	periods := []string{w.period}
	if w.period == "ALL" {
		periods = copilotPeriods
	}
	for i := 0; i < w.t.users; i++ {
		row, d, ok := w.t.copilotUsage(i, periods[0])
		if !ok {
			continue
		}
		upn, display := w.spell(i, d)
		for _, p := range periods {
			row.ReportPeriod = reportPeriodDays(p)
			if err := w.emit(w.copilotRow(w.line[:0], row, upn, display)); err != nil {
				return err
			}
		}
	}
	return nil
}

// appsRows writes AppsUsageRows(w.period).
func (w *signalWriter) appsRows() error {
	for i := 0; i < w.t.users; i++ {
		row, d, ok := w.t.appsUsage(i, w.period)
		if !ok {
			continue
		}
		upn, _ := w.spell(i, d)
		if err := w.emit(w.appsRow(w.line[:0], row, upn)); err != nil {
			return err
		}
	}
	return nil
}

// activationRows writes ActivationRows().
func (w *signalWriter) activationRows() error {
	var rows []extract.ActivationRow // reused from user to user
	for i := 0; i < w.t.users; i++ {
		var d nameDraw
		if rows, d = w.t.appendActivations(rows[:0], i); len(rows) == 0 {
			continue
		}
		upn, display := w.spell(i, d)
		for _, row := range rows {
			if err := w.emit(w.activationRow(w.line[:0], row, upn, display)); err != nil {
				return err
			}
		}
	}
	return nil
}

// mailboxRows writes MailboxUsageRows(w.period).
func (w *signalWriter) mailboxRows() error {
	for i := 0; i < w.t.users; i++ {
		row, d, ok := w.t.mailboxUsage(i, w.period)
		if !ok {
			continue
		}
		upn, display := w.spell(i, d)
		if err := w.emit(w.mailboxRow(w.line[:0], row, upn, display)); err != nil {
			return err
		}
	}
	for j := 0; j < w.t.deleted; j++ {
		row := w.t.DeletedMailboxUsage(j, w.period)
		n := len(row.UserPrincipalName)
		w.names = append(append(w.names[:0], row.UserPrincipalName...), row.DisplayName...)
		if err := w.emit(w.mailboxRow(w.line[:0], row, w.names[:n], w.names[n:])); err != nil {
			return err
		}
	}
	return nil
}

func (c csvStyle) date(b []byte, t time.Time) []byte {
	if t.IsZero() && c.nullDates {
		return append(b, "null"...)
	}
	return appendDate(b, t)
}

// flag writes an Apps usage flag: Yes/No, or True/False.
func (c csvStyle) flag(b []byte, v extract.Tri) []byte {
	switch {
	case v == extract.Unknown:
		return b
	case c.trueFalse:
		return appendCSVBool(b, v == extract.Yes)
	case v == extract.Yes:
		return append(b, "Yes"...)
	}
	return append(b, "No"...)
}

// boolean writes True/False, nothing for Unknown.
func boolean(b []byte, v extract.Tri) []byte {
	if v == extract.Unknown {
		return b
	}
	return appendCSVBool(b, v == extract.Yes)
}

func number(b []byte, n extract.Count) []byte {
	if !n.Known {
		return b
	}
	return strconv.AppendInt(b, n.N, 10)
}

// The renderers write a row with the names given (those of the row are
// not read).

func (c csvStyle) copilotRow(b []byte, r extract.CopilotUsageRow, upn, display []byte) []byte {
	b = appendDate(b, r.ReportRefreshDate)
	b = appendCSV(append(b, ','), upn)
	b = appendCSV(append(b, ','), display)
	b = c.date(append(b, ','), r.LastActivityDate)
	for _, d := range r.AppLastActivity {
		b = c.date(append(b, ','), d)
	}
	return appendCSV(append(b, ','), r.ReportPeriod)
}

func (c csvStyle) appsRow(b []byte, r extract.AppsUsageRow, upn []byte) []byte {
	b = appendDate(b, r.ReportRefreshDate)
	b = appendCSV(append(b, ','), upn)
	b = c.date(append(b, ','), r.LastActivationDate)
	b = c.date(append(b, ','), r.LastActivityDate)
	b = appendCSV(append(b, ','), r.ReportPeriod)
	for _, v := range r.Platform {
		b = c.flag(append(b, ','), v)
	}
	for _, v := range r.App {
		b = c.flag(append(b, ','), v)
	}
	for pl := range extract.OfficePlatforms {
		for a := range extract.OfficeApps {
			b = c.flag(append(b, ','), r.AppPlatform[a][pl])
		}
	}
	return b
}

func (c csvStyle) activationRow(b []byte, r extract.ActivationRow, upn, display []byte) []byte {
	b = appendDate(b, r.ReportRefreshDate)
	b = appendCSV(append(b, ','), upn)
	b = appendCSV(append(b, ','), display)
	b = appendCSV(append(b, ','), r.ProductType)
	b = c.date(append(b, ','), r.LastActivatedDate)
	for _, n := range []extract.Count{r.Windows, r.Mac, r.Windows10Mobile, r.IOS, r.Android} {
		b = number(append(b, ','), n)
	}
	return boolean(append(b, ','), r.ActivatedOnSharedComputer)
}

func (c csvStyle) mailboxRow(b []byte, r extract.MailboxUsageRow, upn, display []byte) []byte {
	b = appendDate(b, r.ReportRefreshDate)
	b = appendCSV(append(b, ','), upn)
	b = appendCSV(append(b, ','), display)
	b = appendCSVBool(append(b, ','), r.IsDeleted)
	b = c.date(append(b, ','), r.DeletedDate)
	b = c.date(append(b, ','), r.CreatedDate)
	b = c.date(append(b, ','), r.LastActivityDate)
	for _, n := range []extract.Count{r.ItemCount, r.StorageUsedBytes, r.IssueWarningQuotaBytes, r.ProhibitSendQuotaBytes,
		r.ProhibitSendReceiveBytes, r.DeletedItemCount, r.DeletedItemSizeBytes, r.DeletedItemQuotaBytes} {
		b = number(append(b, ','), n)
	}
	b = boolean(append(b, ','), r.HasArchive)
	rt := r.RecipientType
	if c.detail && rt != "" {
		rt += "Mailbox" // SharedMailbox, UserMailbox
	}
	b = appendCSV(append(b, ','), rt)
	return appendCSV(append(b, ','), r.ReportPeriod)
}

// truncateDownload serves one of the first TruncateDownloads downloads:
// the whole status and headers, a Content-Length of the whole CSV, half of
// it, and a dropped connection. It reports whether it did.
func (s *Server) truncateDownload(w http.ResponseWriter, l reportLink) bool {
	if s.opts.TruncateDownloads == 0 || s.faults.downloads.Add(1) > int64(s.opts.TruncateDownloads) {
		return false
	}
	s.faults.truncatedDownloads.Add(1)
	var buf bytes.Buffer
	_ = s.writeLink(&buf, l) // a bytes.Buffer takes every write
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes()[:buf.Len()/2])
	_ = http.NewResponseController(w).Flush()
	s.stats.record("report-download", http.StatusOK)
	panic(http.ErrAbortHandler)
}
