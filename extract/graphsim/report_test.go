package graphsim_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// downloadReport follows the 302 by hand (no bearer on the download, as
// Graph's pre-authenticated URL needs none) and returns the CSV bytes.
func downloadReport(t *testing.T, s *sim, tok, period string) []byte {
	t.Helper()
	resp, data := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(period='"+period+"')", tok, nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("report: got %d %s, want 302", resp.StatusCode, data)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, s.srv.URL()+"/") {
		t.Fatalf("Location: got %q, want a URL on %s", loc, s.srv.URL())
	}
	dl, body := s.do(http.MethodGet, loc, "", nil)
	if dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("download: got %d %q, want 200 application/octet-stream", dl.StatusCode, dl.Header.Get("Content-Type"))
	}
	return body
}

func TestReportDownload(t *testing.T) {
	s := startSim(t, 800, graphsim.ServerOptions{})
	tok := s.token()
	body := downloadReport(t, s, tok, "D30")
	want, err := os.ReadFile("testdata/office365ActiveUserDetail.v1.csv")
	if err != nil {
		t.Fatalf("reference header: %v", err)
	}
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("report: got %q..., want a UTF-8 BOM first", body[:8])
	}
	header, _, _ := strings.Cut(string(body[3:]), "\n")
	if header != strings.TrimRight(string(want), "\r\n") {
		t.Errorf("header: got %q, want the documented %q", header, want)
	}
	if bytes.Contains(body, []byte("\r\n")) {
		t.Errorf("report: got CRLF line endings, want LF")
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse report CSV: %v", err)
	}
	n := 0
	for range s.tenant.ReportRows() {
		n++
	}
	if got := len(rows) - 1; got != n {
		t.Errorf("rows: got %d, want %d", got, n)
	}
	first, _ := s.tenant.Activity(0)
	date := regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})?$`)
	for _, r := range rows[1:] {
		if len(r) != 24 || !date.MatchString(r[0]) || (r[3] != "True" && r[3] != "False") {
			t.Fatalf("row %q: want 24 fields, a date, True/False", r)
		}
	}
	if rows[1][1] != first.UserPrincipalName || rows[1][0] != first.ReportRefreshDate.Format("2006-01-02") {
		t.Errorf("first row: got %q, want %s on %v", rows[1][:2], first.UserPrincipalName, first.ReportRefreshDate)
	}
}

func TestReportConcealedAndCRLF(t *testing.T) {
	s := startSim(t, 100, graphsim.ServerOptions{Concealed: true, ReportCRLF: true})
	body := downloadReport(t, s, s.token(), "D7")
	if !bytes.Contains(body, []byte("\r\n")) {
		t.Errorf("ReportCRLF: got LF lines, want CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	hex32 := regexp.MustCompile(`^[0-9A-F]{32}$`)
	for _, r := range rows[1:] {
		if !hex32.MatchString(r[1]) || !hex32.MatchString(r[2]) {
			t.Fatalf("concealed row: got %q %q, want 32 hex characters", r[1], r[2])
		}
	}
	if got := s.getJSON("/v1.0/admin/reportSettings", s.token(), http.StatusOK)["displayConcealedNames"]; got != true {
		t.Errorf("reportSettings with Concealed: got %v, want true", got)
	}
}

func TestReportErrors(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{ReportLinkTTL: 50 * time.Millisecond})
	tok := s.token()
	for _, p := range []string{"D8", "D1", "7"} {
		resp, data := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(period='"+p+"')", tok, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("period %s: got %d %s, want 400", p, resp.StatusCode, data)
		}
	}
	resp, _ := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')", tok, nil)
	time.Sleep(100 * time.Millisecond)
	if dl, _ := s.do(http.MethodGet, resp.Header.Get("Location"), "", nil); dl.StatusCode != http.StatusForbidden {
		t.Errorf("expired link: got %d, want 403", dl.StatusCode)
	}
	if dl, _ := s.do(http.MethodGet, s.srv.URL()+"/data/download/nope", "", nil); dl.StatusCode != http.StatusNotFound {
		t.Errorf("unknown link: got %d, want 404", dl.StatusCode)
	}
}
