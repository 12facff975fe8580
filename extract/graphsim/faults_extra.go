package graphsim

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Faults are the transport and content faults the server injects besides
// throttling and 5xx answers. Rates are decided per Graph request from
// the seed and the request's sequence number, like ThrottleRate; the
// others are fixed positions, so a run with the same options and client
// behaviour sees the same faults.
type Faults struct {
	// ResetRate is the fraction of Graph requests whose connection drops
	// before any answer: an HTTP/1.1 connection is hijacked and closed, an
	// HTTP/2 stream is reset.
	ResetRate float64
	// TruncateRate is the fraction of Graph requests answered with the
	// whole status and headers, a Content-Length larger than the bytes
	// sent (half the body), and then a dropped connection or stream.
	TruncateRate float64
	// PagingLoopAt makes users page k (k >= 2; 0 is off) carry an
	// @odata.nextLink back to page k-1, as a broken skip token would: a
	// client that follows it blindly never ends. Page k must not be the
	// last page (the last page has no nextLink to bend).
	PagingLoopAt int
	// EmptyPageAt answers users page k (k >= 1; 0 is off) with an empty
	// value array and an @odata.nextLink that then serves the page, as
	// Graph does for directory queries that filter server-side.
	EmptyPageAt int
	// ExpiredReportLinks answers the first N usage report requests with a
	// 302 to a download link that has already expired: the download
	// answers 403, as an Azure Blob SAS URL past its expiry does. A
	// client that asks for the report again gets a fresh link.
	ExpiredReportLinks int
	// ReportBadDateRow writes an unparsable Report Refresh Date
	// (DD/MM/YYYY) into data row n of the usage report (1-based; 0 is off).
	ReportBadDateRow int
	// ReportShortRow cuts data row n of the usage report to its first
	// three fields (1-based; 0 is off).
	ReportShortRow int
	// ExpiredSignalLinks answers the first N requests of each of the
	// Apps usage, activations and mailbox usage reports with a 302 to an
	// expired link, like ExpiredReportLinks for the Office 365 report.
	ExpiredSignalLinks int
	// TruncateDownloads cuts the first N report downloads (any report)
	// short: the whole status and headers, a Content-Length of the whole
	// CSV, half of it, then a dropped connection or stream.
	TruncateDownloads int
}

// validate rejects rates outside 0..1 and negative positions.
func (f Faults) validate() error {
	for name, v := range map[string]float64{"ResetRate": f.ResetRate, "TruncateRate": f.TruncateRate} {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s must be between 0 and 1, got %g", name, v)
		}
	}
	for name, v := range map[string]int{"PagingLoopAt": f.PagingLoopAt, "EmptyPageAt": f.EmptyPageAt,
		"ExpiredReportLinks": f.ExpiredReportLinks, "ReportBadDateRow": f.ReportBadDateRow, "ReportShortRow": f.ReportShortRow,
		"ExpiredSignalLinks": f.ExpiredSignalLinks, "TruncateDownloads": f.TruncateDownloads} {
		if v < 0 {
			return fmt.Errorf("%s must be 0 or more, got %d", name, v)
		}
	}
	if f.PagingLoopAt == 1 {
		return fmt.Errorf("PagingLoopAt must be 0 (off) or 2 or more, got 1: page 1 has no earlier page")
	}
	return nil
}

// FaultCounts counts the faults a server injected with Faults.
// ExpiredLinks counts ExpiredReportLinks and ExpiredSignalLinks;
// TruncatedDownloads counts TruncateDownloads; ReportThrottled counts the
// 429s of the identity-and-access reports' throttle
// (ServerOptions.SignInThrottle).
type FaultCounts struct {
	Resets, Truncated, PagingLoops, EmptyPages, ExpiredLinks, BadReportRows int64
	TruncatedDownloads, ReportThrottled                                     int64
}

// faultCounters are the live counters behind FaultCounts.
type faultCounters struct {
	resets, truncated, loops, empty, expired, badRows, reportRequests atomic.Int64
	downloads, truncatedDownloads, reportThrottled                    atomic.Int64
	signalRequests                                                    [numReports]atomic.Int64
}

// FaultCounts returns how many faults of each kind the server injected.
func (s *Server) FaultCounts() FaultCounts {
	c := &s.faults
	return FaultCounts{Resets: c.resets.Load(), Truncated: c.truncated.Load(), PagingLoops: c.loops.Load(),
		EmptyPages: c.empty.Load(), ExpiredLinks: c.expired.Load(), BadReportRows: c.badRows.Load(),
		TruncatedDownloads: c.truncatedDownloads.Load(), ReportThrottled: c.reportThrottled.Load()}
}

// noFaultKey marks a request the fault injector already handled: it is
// being served a second time into a buffer.
type noFaultKey struct{}

func skipFaults(r *http.Request) bool { return r.Context().Value(noFaultKey{}) != nil }

// emptyServedParam marks the nextLink of an injected empty page: the
// request that carries it gets the real page.
const emptyServedParam = "graphsimEmptyServed"

// injectExtra applies Faults to Graph request n (not a $batch); it
// reports whether it answered the request.
func (s *Server) injectExtra(w http.ResponseWriter, r *http.Request, n int64) bool {
	f := s.opts.Faults
	if unit(s.opts.Seed, n, 5) < f.ResetRate {
		s.faults.resets.Add(1)
		s.stats.record(s.endpointOf(r), 0)
		dropConnection()
	}
	rest := strings.TrimPrefix(r.URL.Path, "/v1.0/")
	if unit(s.opts.Seed, n, 6) < f.TruncateRate {
		s.faults.truncated.Add(1)
		s.serveTruncated(w, r, rest)
		return true
	}
	lower := strings.ToLower(strings.TrimSuffix(rest, "/"))
	switch {
	case r.Method != http.MethodGet:
		return false
	case lower == "users" && (f.EmptyPageAt > 0 || f.PagingLoopAt > 0):
		return s.pagingFault(w, r, rest)
	case strings.Contains(lower, "getoffice365activeuserdetail(") && f.ExpiredReportLinks > 0:
		if s.faults.reportRequests.Add(1) <= int64(f.ExpiredReportLinks) && s.allowed(r, readReports) {
			s.faults.expired.Add(1)
			s.redirectExpired(w)
			return true
		}
	case f.ExpiredSignalLinks > 0:
		k, _, ok := signalMatch(rest)
		if ok && k != reportCopilot && s.faults.signalRequests[k].Add(1) <= int64(f.ExpiredSignalLinks) && s.allowed(r, readReports) {
			s.faults.expired.Add(1)
			s.redirectExpired(w)
			return true
		}
	}
	return false
}

// endpointOf names r's endpoint for Stats.
func (s *Server) endpointOf(r *http.Request) string {
	if rt, _ := s.route(r.Method, strings.TrimPrefix(r.URL.Path, "/v1.0/")); rt != nil {
		return rt.endpoint
	}
	return "unknown"
}

// dropConnection ends the exchange without an answer. It never returns:
// panicking with http.ErrAbortHandler makes net/http close an HTTP/1.1
// connection (as a hijack and close would) or reset an HTTP/2 stream,
// without logging a stack trace.
func dropConnection() {
	panic(http.ErrAbortHandler)
}

// serveTruncated serves the request into a buffer, then sends the status,
// the headers and half the body under the full Content-Length, and drops
// the connection.
func (s *Server) serveTruncated(w http.ResponseWriter, r *http.Request, rest string) {
	buf := newBufferWriter()
	ctx := context.WithValue(r.Context(), noFaultKey{}, true)
	endpoint := s.serveGraph(buf, r.WithContext(ctx), rest, true)
	body := buf.body.Bytes()
	buf.copyHeaders(w)
	w.Header().Set("Content-Length", strconv.Itoa(max(len(body), 1)))
	w.WriteHeader(buf.status)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	s.stats.record(endpoint, buf.status)
	panic(http.ErrAbortHandler)
}

// pagingFault answers users page EmptyPageAt empty and bends the nextLink
// of page PagingLoopAt; other pages are left to the normal path.
func (s *Server) pagingFault(w http.ResponseWriter, r *http.Request, rest string) bool {
	f := s.opts.Faults
	q, gerr := s.parseQuery(r, "users")
	if gerr != nil || q.offset%q.top != 0 || !s.allowed(r, readUsers) {
		return false
	}
	k := q.offset/q.top + 1
	switch {
	case k == f.EmptyPageAt && r.URL.Query().Get(emptyServedParam) == "":
		s.faults.empty.Add(1)
		v := r.URL.Query()
		v.Set(emptyServedParam, "1")
		next := s.URL() + r.URL.Path + "?" + v.Encode()
		b := append([]byte(`{"@odata.context":`), appendString(nil, s.context("users", q.sel, false))...)
		b = append(b, `,"value":[],"@odata.nextLink":`...)
		b = append(appendString(b, next), '}')
		graphOK(w, http.StatusOK, b)
		return true
	case k == f.PagingLoopAt:
		buf := newBufferWriter()
		ctx := context.WithValue(r.Context(), noFaultKey{}, true)
		s.serveGraph(buf, r.WithContext(ctx), rest, true)
		p := page{kind: "users", q: q}
		forward := appendString(nil, s.nextLink(r, p, q.offset+q.top))
		back := appendString(nil, s.nextLink(r, p, q.offset-q.top))
		body := buf.body.Bytes()
		if buf.status == http.StatusOK && bytes.Contains(body, forward) {
			s.faults.loops.Add(1)
			body = bytes.Replace(body, forward, back, 1)
		}
		buf.copyHeaders(w)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(buf.status)
		_, _ = w.Write(body)
		return true
	}
	return false
}

// allowed reports whether r's bearer token grants one of perms; the
// normal path answers the request when it does not.
func (s *Server) allowed(r *http.Request, perms []string) bool {
	claims, err := s.verifyToken(r.Header.Get("Authorization"))
	return err == nil && granted(claims.Roles, perms)
}

// redirectExpired answers a report request with a 302 to a download link
// that expired a minute ago.
func (s *Server) redirectExpired(w http.ResponseWriter) {
	id := "expired-" + strconv.FormatInt(s.faults.expired.Load(), 10) + "-" + url.PathEscape(requestID())
	s.mu.Lock()
	s.links[id] = reportLink{expires: time.Now().Add(-time.Minute)}
	s.mu.Unlock()
	w.Header().Set("Location", s.URL()+"/data/download/"+id)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}

// mangleReportRow applies ReportBadDateRow and ReportShortRow to data row
// n (1-based), rendered in line without its terminator.
func (s *Server) mangleReportRow(line []byte, n int) []byte {
	f := s.opts.Faults
	switch n {
	case f.ReportBadDateRow:
		if i := bytes.IndexByte(line, ','); i == len("2006-01-02") {
			s.faults.badRows.Add(1)
			d := string(line[:i])
			return append([]byte(d[8:10]+"/"+d[5:7]+"/"+d[:4]), line[i:]...)
		}
	case f.ReportShortRow:
		s.faults.badRows.Add(1)
		cut, commas := len(line), 0
		for i, c := range line {
			if c == ',' {
				if commas++; commas == 3 {
					cut = i
					break
				}
			}
		}
		return line[:cut]
	}
	return line
}

// bufferWriter is a ResponseWriter that keeps the answer in memory.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

// Header implements http.ResponseWriter.
func (b *bufferWriter) Header() http.Header { return b.header }

// WriteHeader implements http.ResponseWriter.
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

// Write implements http.ResponseWriter.
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// copyHeaders copies the buffered headers onto w.
func (b *bufferWriter) copyHeaders(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
}

// registerFlags defines one flag per fault on fs, defaults taken from f.
func (f *Faults) registerFlags(fs *flag.FlagSet) {
	fs.Float64Var(&f.ResetRate, "reset-rate", f.ResetRate, "fraction of Graph requests whose connection drops before an answer (0..1)")
	fs.Float64Var(&f.TruncateRate, "truncate-rate", f.TruncateRate, "fraction of Graph answers cut short of their Content-Length (0..1)")
	fs.IntVar(&f.PagingLoopAt, "paging-loop-at", f.PagingLoopAt, "users page K links back to page K-1 (0: off)")
	fs.IntVar(&f.EmptyPageAt, "empty-page-at", f.EmptyPageAt, "users page K comes back empty with a nextLink (0: off)")
	fs.IntVar(&f.ExpiredReportLinks, "expired-report-links", f.ExpiredReportLinks, "the first N usage report requests redirect to an expired link")
	fs.IntVar(&f.ReportBadDateRow, "report-bad-date-row", f.ReportBadDateRow, "usage report data row N gets a DD/MM/YYYY date (0: off)")
	fs.IntVar(&f.ReportShortRow, "report-short-row", f.ReportShortRow, "usage report data row N is cut to three fields (0: off)")
	fs.IntVar(&f.ExpiredSignalLinks, "expired-signal-links", f.ExpiredSignalLinks, "the first N requests of each Apps usage, activations and mailbox report redirect to an expired link")
	fs.IntVar(&f.TruncateDownloads, "truncate-downloads", f.TruncateDownloads, "the first N report downloads stop halfway through their Content-Length")
}
