package graphsim_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// copilotSkuID is Microsoft_365_Copilot's skuId.
const copilotSkuID = "639dec6b-bb19-468b-871c-c5c441c4b0cb"

// signalReport is one of the four usage-signal reports as a test calls it.
type signalReport struct {
	name     string
	path     string // below the server URL
	status   int    // of the call: 200 (the CSV itself) or 302
	columns  []string
	rowCount func(tn *graphsim.Tenant) int
}

func count[R any](rows func(yield func(R) bool)) int {
	n := 0
	for range rows {
		n++
	}
	return n
}

var signalReports = []signalReport{
	{"copilot", "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')", http.StatusOK,
		extract.CopilotUsageColumns, func(tn *graphsim.Tenant) int { return count(tn.CopilotUsageRows("D30")) }},
	{"apps usage", "/v1.0/reports/getM365AppUserDetail(period='D90')", http.StatusFound,
		extract.AppsUsageColumns, func(tn *graphsim.Tenant) int { return count(tn.AppsUsageRows("D90")) }},
	{"activations", "/v1.0/reports/getOffice365ActivationsUserDetail()", http.StatusFound,
		extract.ActivationColumns, func(tn *graphsim.Tenant) int { return count(tn.ActivationRows()) }},
	{"activations without parentheses", "/v1.0/reports/getOffice365ActivationsUserDetail", http.StatusFound,
		extract.ActivationColumns, func(tn *graphsim.Tenant) int { return count(tn.ActivationRows()) }},
	{"mailbox usage", "/v1.0/reports/getMailboxUsageDetail(period='D7')", http.StatusFound,
		extract.MailboxUsageColumns, func(tn *graphsim.Tenant) int { return count(tn.MailboxUsageRows("D7")) }},
}

// copilotTenant is a day-0 tenant where 40% of the suite holders have
// Copilot.
func copilotTenant(users int) *graphsim.Tenant {
	return graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 42, Now: fixedNow, CopilotSeats: 0.4})
}

// fetchSignal calls a report and returns its CSV: the body of a 200, or
// the download a 302 points to (fetched without a bearer token).
func fetchSignal(t *testing.T, s *sim, tok, path string) []byte {
	t.Helper()
	resp, data := s.do(http.MethodGet, path, tok, nil)
	switch resp.StatusCode {
	case http.StatusOK:
		return data
	case http.StatusFound:
	default:
		t.Fatalf("GET %s: got %d %s, want 200 or 302", path, resp.StatusCode, data)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, s.srv.URL()+"/data/download/") {
		t.Fatalf("GET %s: Location %q, want a download link on %s", path, loc, s.srv.URL())
	}
	dl, body := s.do(http.MethodGet, loc, "", nil)
	if dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("download %s: got %d %q, want 200 application/octet-stream", path, dl.StatusCode, dl.Header.Get("Content-Type"))
	}
	return body
}

// parseSignal checks the BOM and parses the CSV into the header and rows.
func parseSignal(t *testing.T, body []byte) ([]string, [][]string) {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("report: got %q..., want a UTF-8 BOM first", body[:min(len(body), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("parse report CSV: %v", err)
	}
	return recs[0], recs[1:]
}

func TestSignalReports(t *testing.T) {
	s := serveTenant(t, copilotTenant(900), graphsim.ServerOptions{})
	tok := s.token()
	for _, rep := range signalReports {
		t.Run(rep.name, func(t *testing.T) {
			resp, _ := s.do(http.MethodGet, rep.path, tok, nil)
			if resp.StatusCode != rep.status {
				t.Fatalf("GET: got status %d, want %d", resp.StatusCode, rep.status)
			}
			body := fetchSignal(t, s, tok, rep.path)
			if bytes.Contains(body, []byte("\r")) {
				t.Errorf("report: got CR characters, want LF line ends")
			}
			header, rows := parseSignal(t, body)
			if got, want := strings.Join(header, ","), strings.Join(rep.columns, ","); got != want {
				t.Errorf("header: got %q, want %q", got, want)
			}
			if got, want := len(rows), rep.rowCount(s.tenant); got != want || want == 0 {
				t.Errorf("rows: got %d, want %d (and some)", got, want)
			}
			date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
			for _, r := range rows {
				if !date.MatchString(r[0]) {
					t.Fatalf("row %q: want a Report Refresh Date first", r)
				}
			}
		})
	}
}

// holdersOf counts the users GET /users lists with skuID assigned.
func holdersOf(t *testing.T, s *sim, tok, skuID string) int {
	t.Helper()
	n := 0
	for _, raw := range listUsers(t, s, tok) {
		var u struct {
			AssignedLicenses []struct {
				SkuID string `json:"skuId"`
			} `json:"assignedLicenses"`
		}
		if err := json.Unmarshal([]byte(raw), &u); err != nil {
			t.Fatalf("decode user: %v", err)
		}
		for _, l := range u.AssignedLicenses {
			if strings.EqualFold(l.SkuID, skuID) {
				n++
			}
		}
	}
	return n
}

func TestCopilotReportMatchesHolders(t *testing.T) {
	s := serveTenant(t, copilotTenant(1200), graphsim.ServerOptions{})
	tok := s.token()
	holders := holdersOf(t, s, tok, copilotSkuID)
	refresh := fixedNow.Truncate(24*time.Hour).AddDate(0, 0, -3).Format(time.DateOnly) // 72 hours behind
	for _, period := range []string{"D7", "D30", "D90", "D180", "ALL"} {
		t.Run(period, func(t *testing.T) {
			_, rows := parseSignal(t, fetchSignal(t, s, tok, "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='"+period+"')"))
			want, periods := holders, map[string]int{}
			if period == "ALL" {
				want *= 4
			}
			if len(rows) != want || holders == 0 {
				t.Fatalf("rows: got %d, want %d (Copilot holders in GET /users: %d)", len(rows), want, holders)
			}
			for _, r := range rows {
				periods[r[12]]++
				if r[0] != refresh {
					t.Fatalf("row %q: Report Refresh Date %s, want %s", r, r[0], refresh)
				}
				last := ""
				for _, d := range r[4:12] {
					last = max(last, d)
				}
				if r[3] != last || last > refresh {
					t.Fatalf("row %q: Last Activity Date %q, want the latest app date %q, not after %s", r, r[3], last, refresh)
				}
			}
			wantPeriods := map[string]int{strings.TrimPrefix(period, "D"): holders}
			if period == "ALL" {
				wantPeriods = map[string]int{"7": holders, "30": holders, "90": holders, "180": holders}
			}
			if !equalCounts(periods, wantPeriods) {
				t.Errorf("Report Period: got %v, want %v", periods, wantPeriods)
			}
		})
	}
	skus := s.getJSON("/v1.0/subscribedSkus", tok, http.StatusOK)["value"].([]any)
	last := skus[len(skus)-1].(map[string]any)
	if last["skuPartNumber"] != "Microsoft_365_Copilot" || last["skuId"] != copilotSkuID || last["consumedUnits"] != float64(holders) {
		t.Errorf("last subscribedSku: got %v %v consumed %v, want Microsoft_365_Copilot %s consumed %d",
			last["skuPartNumber"], last["skuId"], last["consumedUnits"], copilotSkuID, holders)
	}
	_, office := parseSignal(t, downloadReport(t, s, tok, "D7"))
	named := 0
	for _, r := range office {
		if strings.Contains(r[23], "MICROSOFT 365 COPILOT") {
			named++
		}
	}
	if named == 0 || named > holders {
		t.Errorf("Office 365 report: got %d rows assigning MICROSOFT 365 COPILOT, want some, at most the %d holders", named, holders)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestNoCopilotByDefault(t *testing.T) {
	s := startSim(t, 300, graphsim.ServerOptions{Permissions: append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)})
	tok := s.token()
	for _, sku := range s.tenant.SKUs() {
		if sku.SkuPartNumber == "Microsoft_365_Copilot" {
			t.Fatalf("SKUs: got Microsoft_365_Copilot without CopilotSeats")
		}
	}
	if n := holdersOf(t, s, tok, copilotSkuID); n != 0 {
		t.Errorf("Copilot holders: got %d, want 0", n)
	}
	_, rows := parseSignal(t, fetchSignal(t, s, tok, "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D7')"))
	if len(rows) != 0 {
		t.Errorf("Copilot report rows: got %d, want none", len(rows))
	}
	u := s.tenant.User(0)
	body := map[string]any{"addLicenses": []map[string]any{{"skuId": copilotSkuID, "disabledPlans": []string{}}}, "removeLicenses": []string{}}
	resp, data := s.do(http.MethodPost, "/v1.0/users/"+u.ID+"/assignLicense", tok, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(data), "does not correspond to a valid company License") {
		t.Errorf("assign Copilot: got %d %s, want 400 not a valid company licence", resp.StatusCode, data)
	}
}

func TestOldCopilotPath(t *testing.T) {
	s := serveTenant(t, copilotTenant(50), graphsim.ServerOptions{})
	path := "/beta/reports/getMicrosoft365CopilotUsageUserDetail(period='D7')"
	cases := []struct {
		name, token string
		status      int
		code, msg   string
	}{
		{"with a token", s.token(), http.StatusBadRequest, "BadRequest", "Resource not found for the segment 'getMicrosoft365CopilotUsageUserDetail'."},
		{"without a token", "", http.StatusUnauthorized, "InvalidAuthenticationToken", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, path, c.token, nil)
			if resp.StatusCode != c.status || errorCode(t, data) != c.code || !strings.Contains(string(data), c.msg) {
				t.Errorf("got %d %s, want %d %s %q", resp.StatusCode, data, c.status, c.code, c.msg)
			}
		})
	}
	if got := s.srv.Stats().Count("copilotReportBeta", http.StatusBadRequest); got != 1 {
		t.Errorf("stats copilotReportBeta 400: got %d, want 1", got)
	}
}

func TestSignalReportsNeedReportsReadAll(t *testing.T) {
	s := serveTenant(t, copilotTenant(50), graphsim.ServerOptions{Permissions: []string{"User.Read.All", "Organization.Read.All"}})
	tok := s.token()
	for _, rep := range signalReports {
		t.Run(rep.name, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, rep.path, tok, nil)
			if resp.StatusCode != http.StatusForbidden || errorCode(t, data) != "Authorization_RequestDenied" {
				t.Errorf("got %d %s, want 403 Authorization_RequestDenied", resp.StatusCode, data)
			}
		})
	}
}

func TestSignalReportErrors(t *testing.T) {
	s := serveTenant(t, copilotTenant(50), graphsim.ServerOptions{ReportLinkTTL: 50 * time.Millisecond})
	tok := s.token()
	cases := []struct{ name, path string }{
		{"apps period ALL", "/v1.0/reports/getM365AppUserDetail(period='ALL')"},
		{"apps period D8", "/v1.0/reports/getM365AppUserDetail(period='D8')"},
		{"mailbox unquoted period", "/v1.0/reports/getMailboxUsageDetail(period=D7)"},
		{"mailbox no period", "/v1.0/reports/getMailboxUsageDetail()"},
		{"copilot period D28 of version v2", "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D28')"},
		{"copilot version v2", "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D7',version='v2')"},
		{"activations with a period", "/v1.0/reports/getOffice365ActivationsUserDetail(period='D7')"},
		{"missing parenthesis", "/v1.0/reports/getM365AppUserDetail(period='D7'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, c.path, tok, nil)
			if resp.StatusCode != http.StatusBadRequest || errorCode(t, data) != "BadRequest" {
				t.Errorf("got %d %s, want 400 BadRequest", resp.StatusCode, data)
			}
		})
	}
	resp, _ := s.do(http.MethodGet, "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D90', version='v1')", tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("version v1: got %d, want 200", resp.StatusCode)
	}
	resp, _ = s.do(http.MethodGet, "/v1.0/reports/getMailboxUsageDetail(period='D7')", tok, nil)
	time.Sleep(100 * time.Millisecond)
	if dl, _ := s.do(http.MethodGet, resp.Header.Get("Location"), "", nil); dl.StatusCode != http.StatusForbidden {
		t.Errorf("expired link: got %d, want 403", dl.StatusCode)
	}
}
