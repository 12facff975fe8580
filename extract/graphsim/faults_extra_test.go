package graphsim_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// attempt sends a GET with the bearer token and reads the whole body; a
// transport or body error is returned instead of failing the test.
func (s *sim) attempt(path, tok string) (*http.Response, []byte, error) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL()+path, nil)
	if err != nil {
		s.t.Fatalf("new request %s: %v", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestResetRate(t *testing.T) {
	s := startSim(t, 5, graphsim.ServerOptions{Faults: graphsim.Faults{ResetRate: 1}})
	tok := s.token()
	const n = 4
	for i := 0; i < n; i++ {
		resp, _, err := s.attempt("/v1.0/subscribedSkus", tok)
		if err == nil {
			t.Fatalf("request %d: got status %d, want a dropped connection", i, resp.StatusCode)
		}
	}
	if got := s.srv.FaultCounts().Resets; got != n {
		t.Errorf("resets: got %d, want %d", got, n)
	}
	if got := s.srv.Stats().Count("subscribedSkus", 0); got != n {
		t.Errorf("subscribedSkus answers with status 0: got %d, want %d", got, n)
	}
}

func TestTruncateRate(t *testing.T) {
	s := startSim(t, 50, graphsim.ServerOptions{Faults: graphsim.Faults{TruncateRate: 1}})
	tok := s.token()
	resp, data, err := s.attempt("/v1.0/users?$top=20", tok)
	if resp == nil {
		t.Fatalf("got no response (%v), want status and headers before the cut", err)
	}
	if resp.StatusCode != http.StatusOK || err == nil {
		t.Fatalf("got status %d and body error %v, want 200 and an error reading the body", resp.StatusCode, err)
	}
	if int64(len(data)) >= resp.ContentLength {
		t.Errorf("body: got %d bytes of a declared %d, want fewer", len(data), resp.ContentLength)
	}
	if c := s.srv.FaultCounts(); c.Truncated != 1 || c.Resets != 0 {
		t.Errorf("fault counts: got %+v, want one truncation", c)
	}
	if got := s.srv.Stats().Count("users", http.StatusOK); got != 1 {
		t.Errorf("users 200 answers: got %d, want the truncated one counted", got)
	}
}

// TestTransportFaultsAreDeterministic: the same seed drops and cuts the
// same request numbers.
func TestTransportFaultsAreDeterministic(t *testing.T) {
	pattern := func() string {
		s := startSim(t, 5, graphsim.ServerOptions{Seed: 3, Faults: graphsim.Faults{ResetRate: 0.2, TruncateRate: 0.2}})
		tok := s.token()
		var b strings.Builder
		for i := 0; i < 30; i++ {
			resp, _, err := s.attempt("/v1.0/admin/reportSettings", tok)
			switch {
			case resp == nil:
				b.WriteByte('R')
			case err != nil:
				b.WriteByte('T')
			default:
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Fatalf("got %s then %s, want the same faults for the same seed", a, b)
	}
	if !strings.Contains(a, "R") || !strings.Contains(a, "T") || !strings.Contains(a, ".") {
		t.Errorf("got %s at rates 0.2 and 0.2, want resets, truncations and answers", a)
	}
}

// usersPage is one decoded page of users.
type usersPage struct {
	ids  []string
	next string
}

func getUsersPage(t *testing.T, s *sim, tok, link string) usersPage {
	t.Helper()
	var p struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
		Next string `json:"@odata.nextLink"`
	}
	resp, data := s.do(http.MethodGet, link, tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got %d %s, want 200", link, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("decode users page: %v", err)
	}
	out := usersPage{next: p.Next}
	for _, u := range p.Value {
		out.ids = append(out.ids, u.ID)
	}
	return out
}

func TestPagingLoopAt(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{Faults: graphsim.Faults{PagingLoopAt: 3}})
	tok := s.token()
	p1 := getUsersPage(t, s, tok, "/v1.0/users?$top=2&$select=id")
	p2 := getUsersPage(t, s, tok, p1.next)
	p3 := getUsersPage(t, s, tok, p2.next)
	if p3.next != p1.next {
		t.Errorf("page 3 nextLink: got %s, want page 1's, which leads to page 2: %s", p3.next, p1.next)
	}
	if again := getUsersPage(t, s, tok, p3.next); strings.Join(again.ids, ",") != strings.Join(p2.ids, ",") {
		t.Errorf("following page 3's nextLink: got users %v, want page 2's %v", again.ids, p2.ids)
	}
	if got := s.srv.FaultCounts().PagingLoops; got != 1 {
		t.Errorf("paging loops: got %d, want 1", got)
	}
}

func TestEmptyPageAt(t *testing.T) {
	walk := func(opts graphsim.ServerOptions) (ids []string, empty int) {
		s := startSim(t, 10, opts)
		tok := s.token()
		link := "/v1.0/users?$top=3&$select=id"
		for seen := map[string]bool{}; link != ""; {
			if seen[link] {
				t.Fatalf("nextLink %s repeats", link)
			}
			seen[link] = true
			p := getUsersPage(t, s, tok, link)
			if len(p.ids) == 0 {
				empty++
			}
			ids, link = append(ids, p.ids...), p.next
		}
		return ids, empty
	}
	clean, _ := walk(graphsim.ServerOptions{})
	for _, at := range []int{1, 2, 4} {
		got, empty := walk(graphsim.ServerOptions{Faults: graphsim.Faults{EmptyPageAt: at}})
		if strings.Join(got, ",") != strings.Join(clean, ",") || empty != 1 {
			t.Errorf("empty page at %d: got %d empty pages and users %v, want 1 and %v", at, empty, got, clean)
		}
	}
}

func TestExpiredReportLinks(t *testing.T) {
	s := startSim(t, 20, graphsim.ServerOptions{Faults: graphsim.Faults{ExpiredReportLinks: 2}})
	tok := s.token()
	for i, want := range []int{http.StatusForbidden, http.StatusForbidden, http.StatusOK} {
		resp, _ := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')", tok, nil)
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("report request %d: got %d, want 302", i+1, resp.StatusCode)
		}
		dl, _ := s.do(http.MethodGet, resp.Header.Get("Location"), "", nil)
		if dl.StatusCode != want {
			t.Errorf("download %d: got %d, want %d", i+1, dl.StatusCode, want)
		}
	}
	if got := s.srv.FaultCounts().ExpiredLinks; got != 2 {
		t.Errorf("expired links: got %d, want 2", got)
	}
}

func TestReportMalformedRows(t *testing.T) {
	s := startSim(t, 30, graphsim.ServerOptions{Faults: graphsim.Faults{ReportBadDateRow: 2, ReportShortRow: 4}})
	body := downloadReport(t, s, s.token(), "D7")
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("read report: %v", err)
	}
	for i, rec := range recs {
		wantFields := 24
		if i == 4 { // data row 4, after the header
			wantFields = 3
		}
		if len(rec) != wantFields {
			t.Errorf("line %d: got %d fields, want %d", i+1, len(rec), wantFields)
		}
		if bad := strings.Contains(rec[0], "/"); bad != (i == 2) {
			t.Errorf("line %d: Report Refresh Date %q; want DD/MM/YYYY only on data row 2", i+1, rec[0])
		}
	}
	if got := s.srv.FaultCounts().BadReportRows; got != 2 {
		t.Errorf("bad report rows: got %d, want 2", got)
	}
}

func TestNewServerRejectsBadFaults(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1, Now: fixedNow})
	tests := []struct {
		name   string
		faults graphsim.Faults
		want   string
	}{
		{"reset rate above 1", graphsim.Faults{ResetRate: 2}, "ResetRate must be between 0 and 1"},
		{"negative truncate rate", graphsim.Faults{TruncateRate: -0.5}, "TruncateRate must be between 0 and 1"},
		{"loop at page 1", graphsim.Faults{PagingLoopAt: 1}, "PagingLoopAt must be 0 (off) or 2 or more"},
		{"negative empty page", graphsim.Faults{EmptyPageAt: -1}, "EmptyPageAt must be 0 or more"},
		{"negative bad row", graphsim.Faults{ReportShortRow: -3}, "ReportShortRow must be 0 or more"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graphsim.NewServer(tn, graphsim.ServerOptions{Dir: t.TempDir(), Faults: tc.faults})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestFaultFlags(t *testing.T) {
	o := graphsim.DefaultOptions()
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	args := []string{"--reset-rate", "0.05", "--truncate-rate", "0.1", "--paging-loop-at", "3", "--empty-page-at", "2",
		"--expired-report-links", "1", "--report-bad-date-row", "7", "--report-short-row", "9"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := graphsim.Faults{ResetRate: 0.05, TruncateRate: 0.1, PagingLoopAt: 3, EmptyPageAt: 2,
		ExpiredReportLinks: 1, ReportBadDateRow: 7, ReportShortRow: 9}
	if got := o.ServerOptions().Faults; got != want {
		t.Errorf("server faults: got %+v, want %+v", got, want)
	}
	fs.SetOutput(io.Discard)
	if err := fs.Parse([]string{"--reset-rate", "x"}); err == nil {
		t.Errorf("--reset-rate x: got %v, want a parse error", err)
	}
}
