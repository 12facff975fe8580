package graphsim_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestSignalReportsAreDeterministic(t *testing.T) {
	a := serveTenant(t, copilotTenant(700), graphsim.ServerOptions{})
	b := serveTenant(t, copilotTenant(700), graphsim.ServerOptions{})
	ta, tb := a.token(), b.token()
	for _, rep := range signalReports {
		t.Run(rep.name, func(t *testing.T) {
			if x, y := fetchSignal(t, a, ta, rep.path), fetchSignal(t, b, tb, rep.path); !bytes.Equal(x, y) {
				t.Errorf("two servers of one seed: got different reports (%d and %d bytes), want the same bytes", len(x), len(y))
			}
		})
	}
}

func TestSignalReportsConcealed(t *testing.T) {
	s := serveTenant(t, copilotTenant(300), graphsim.ServerOptions{Concealed: true, ReportCRLF: true})
	tok := s.token()
	hex32 := regexp.MustCompile(`^[0-9A-F]{32}$`)
	for _, rep := range signalReports {
		t.Run(rep.name, func(t *testing.T) {
			body := fetchSignal(t, s, tok, rep.path)
			if !bytes.Contains(body, []byte("\r\n")) {
				t.Errorf("ReportCRLF: got LF lines, want CRLF")
			}
			header, rows := parseSignal(t, body)
			names := []int{1}
			if header[2] == "Display Name" {
				names = append(names, 2)
			}
			for _, r := range rows {
				for _, k := range names {
					if !hex32.MatchString(r[k]) {
						t.Fatalf("row %q: %s %q, want 32 hex characters", r, header[k], r[k])
					}
				}
			}
		})
	}
}

// columnValues returns the distinct values of the named columns.
func columnValues(header []string, rows [][]string, names ...string) map[string]int {
	out := map[string]int{}
	for k, h := range header {
		if !slices.Contains(names, h) {
			continue
		}
		for _, r := range rows {
			out[r[k]]++
		}
	}
	return out
}

var (
	dateColumns = []string{"Last Activity Date", "Copilot Chat Last Activity Date", "Loop Copilot Last Activity Date",
		"Last Activation Date", "Last Activated Date", "Deleted Date"}
	appsFlagColumns = append(append([]string{}, extract.OfficePlatforms[:]...), "Outlook", "Word (Windows)", "Teams (Web)")
)

func TestSignalLiterals(t *testing.T) {
	cases := []struct {
		name    string
		opts    graphsim.ServerOptions
		report  int // index in signalReports
		columns []string
		want    []string // every value of the columns is one of these
		need    []string // and these occur
	}{
		{"empty absent dates", graphsim.ServerOptions{}, 0, dateColumns, nil, []string{""}},
		{"null absent dates: copilot", graphsim.ServerOptions{ReportNullDates: true}, 0, dateColumns, nil, []string{"null"}},
		{"null absent dates: apps", graphsim.ServerOptions{ReportNullDates: true}, 1, dateColumns, nil, []string{"null"}},
		{"null absent dates: activations", graphsim.ServerOptions{ReportNullDates: true}, 2, dateColumns, nil, []string{"null"}},
		{"null absent dates: mailbox", graphsim.ServerOptions{ReportNullDates: true}, 4, dateColumns, nil, []string{"null"}},
		{"apps flags Yes/No", graphsim.ServerOptions{}, 1, appsFlagColumns, []string{"Yes", "No"}, []string{"Yes", "No"}},
		{"apps flags True/False", graphsim.ServerOptions{AppsUsageTrueFalse: true}, 1, appsFlagColumns, []string{"True", "False"}, []string{"True", "False"}},
		{"recipient types", graphsim.ServerOptions{}, 4, []string{"Recipient Type"}, []string{"User", "Shared"}, []string{"User", "Shared"}},
		{"recipient type details", graphsim.ServerOptions{MailboxRecipientTypeDetails: true}, 4, []string{"Recipient Type"},
			[]string{"UserMailbox", "SharedMailbox"}, []string{"UserMailbox", "SharedMailbox"}},
		{"shared computer", graphsim.ServerOptions{AppsUsageTrueFalse: true}, 2, []string{"Activated On Shared Computer"}, []string{"True", "False"}, []string{"True", "False"}},
		{"archive", graphsim.ServerOptions{}, 4, []string{"Has Archive", "Is Deleted"}, []string{"True", "False"}, []string{"True", "False"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := serveTenant(t, copilotTenant(800), c.opts)
			header, rows := parseSignal(t, fetchSignal(t, s, s.token(), signalReports[c.report].path))
			got := columnValues(header, rows, c.columns...)
			for v := range got {
				if c.want != nil && !slices.Contains(c.want, v) {
					t.Errorf("%v: got value %q, want one of %q", c.columns, v, c.want)
				}
				if c.opts.ReportNullDates && v == "" {
					t.Errorf("%v: got an empty date with ReportNullDates, want null", c.columns)
				}
			}
			for _, v := range c.need {
				if got[v] == 0 {
					t.Errorf("%v: got values %v, want some %q", c.columns, got, v)
				}
			}
		})
	}
}

// byUPN indexes report rows by user principal name.
func byUPN(rows [][]string) map[string][]string {
	out := map[string][]string{}
	for _, r := range rows {
		out[r[1]] = r
	}
	return out
}

func TestSignalReportsDayByDay(t *testing.T) {
	gen := func(d int) *graphsim.Tenant {
		return graphsim.Generate(graphsim.GenOptions{Users: 1200, Seed: 42, Now: fixedNow.AddDate(0, 0, d), Day: d,
			DailyChurn: 0.01, CopilotSeats: 0.4})
	}
	day0, day1 := serveTenant(t, gen(3), graphsim.ServerOptions{}), serveTenant(t, gen(4), graphsim.ServerOptions{})
	fetch := func(s *sim, path string) map[string][]string {
		_, rows := parseSignal(t, fetchSignal(t, s, s.token(), path))
		return byUPN(rows)
	}
	t.Run("copilot", func(t *testing.T) {
		path := signalReports[0].path
		before, after := fetch(day0, path), fetch(day1, path)
		refresh := day1.tenant.CopilotReportRefreshDate().Format(time.DateOnly)
		var idle, active, moved int
		for upn, r0 := range before {
			r1, ok := after[upn]
			switch {
			case !ok:
				t.Errorf("%s: in day 3's Copilot report, not in day 4's (the report keeps 180 days of holders)", upn)
			case r1[0] != refresh:
				t.Errorf("%s: Report Refresh Date %s on day 4, want %s", upn, r1[0], refresh)
			case r0[3] == "":
				if r1[3] != "" {
					t.Errorf("%s: never used Copilot on day 3, used it on %s on day 4", upn, r1[3])
				}
			case r1[3] < r0[3]:
				t.Errorf("%s: last activity moved back from %s to %s", upn, r0[3], r1[3])
			case daysBetween(t, r0[3], r0[0]) < 7: // active: comes back weekly
				active++
				if daysBetween(t, r1[3], r1[0]) >= 7 {
					t.Errorf("%s: active user last active %s, a week or more before %s", upn, r1[3], r1[0])
				}
				if r1[3] > r0[3] {
					moved++
				}
			default: // idle (30 to 120 days, or since a later licence): the dates stay
				idle++
				if !slices.Equal(r0[3:12], r1[3:12]) {
					t.Errorf("%s: idle user's dates moved from %q to %q", upn, r0[3:12], r1[3:12])
				}
			}
		}
		if idle == 0 || active == 0 || moved == 0 {
			t.Errorf("got %d idle and %d active users, %d moved on; want some of each", idle, active, moved)
		}
	})
	t.Run("mailbox", func(t *testing.T) {
		path := signalReports[4].path
		before, after := fetch(day0, path), fetch(day1, path)
		grew := 0
		for upn, r0 := range before {
			r1, ok := after[upn]
			if !ok || r0[3] == "True" {
				continue // licence removed by the day's churn; deleted users
			}
			s0, _ := strconv.ParseInt(r0[8], 10, 64)
			s1, _ := strconv.ParseInt(r1[8], 10, 64)
			switch {
			case r0[5] != r1[5] || r0[16] != r1[16]:
				t.Errorf("%s: Created Date or Recipient Type changed from %q to %q", upn, r0, r1)
			case s1 < s0:
				t.Errorf("%s: storage shrank from %d to %d", upn, s0, s1)
			case s1 > s0:
				grew++
			}
		}
		if grew == 0 {
			t.Errorf("storage: no mailbox grew from day 3 to 4, want the active ones to")
		}
	})
}

func daysBetween(t *testing.T, from, to string) int {
	t.Helper()
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("dates %q, %q: %v", from, to, err)
	}
	return int(b.Sub(a).Hours() / 24)
}

func TestSignalReportFaults(t *testing.T) {
	s := serveTenant(t, copilotTenant(200), graphsim.ServerOptions{RetryAfter: 2 * time.Second,
		Faults: graphsim.Faults{ExpiredSignalLinks: 1, TruncateDownloads: 1}})
	tok := s.token()
	mailbox := signalReports[4].path
	resp, _ := s.do(http.MethodGet, mailbox, tok, nil)
	if dl, _ := s.do(http.MethodGet, resp.Header.Get("Location"), "", nil); resp.StatusCode != http.StatusFound || dl.StatusCode != http.StatusForbidden {
		t.Fatalf("first mailbox report: got %d then download %d, want 302 then 403 (ExpiredSignalLinks)", resp.StatusCode, dl.StatusCode)
	}
	resp, _ = s.do(http.MethodGet, mailbox, tok, nil)
	dl, err := s.client.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	_, err = io.ReadAll(dl.Body)
	dl.Body.Close()
	if err == nil {
		t.Errorf("first download: read it whole, want it cut short (TruncateDownloads)")
	}
	if body := fetchSignal(t, s, tok, mailbox); len(body) == 0 {
		t.Errorf("second download: got nothing, want the report")
	}
	if c := s.srv.FaultCounts(); c.ExpiredLinks != 1 || c.TruncatedDownloads != 1 {
		t.Errorf("fault counts: got %+v, want 1 expired link, 1 truncated download", c)
	}

	th := serveTenant(t, copilotTenant(20), graphsim.ServerOptions{ThrottleFirst: 1, RetryAfter: 2 * time.Second})
	resp, data := th.do(http.MethodGet, signalReports[0].path, th.token(), nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("throttled Copilot report: got %d Retry-After %q %s, want 429 Retry-After 2", resp.StatusCode, resp.Header.Get("Retry-After"), data)
	}
}

func TestSignalFlags(t *testing.T) {
	o := graphsim.DefaultOptions()
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	err := fs.Parse([]string{"--copilot-seats", "0.3", "--report-null-dates", "--apps-usage-true-false",
		"--mailbox-recipient-type-details", "--expired-signal-links", "2", "--truncate-downloads", "1"})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	so := o.ServerOptions()
	if o.GenOptions().CopilotSeats != 0.3 || !so.ReportNullDates || !so.AppsUsageTrueFalse || !so.MailboxRecipientTypeDetails ||
		so.ExpiredSignalLinks != 2 || so.TruncateDownloads != 1 {
		t.Errorf("options: got gen %+v, server %+v", o.GenOptions(), so)
	}
}

// TestSignalDataShares checks the shares the generator promises on a
// larger tenant, through the Tenant API.
func TestSignalDataShares(t *testing.T) {
	tn := copilotTenant(6000)
	refresh := tn.CopilotReportRefreshDate()
	var holders, never, week, idle int
	for r := range tn.CopilotUsageRows("D7") {
		holders++
		switch age := refresh.Sub(r.LastActivityDate).Hours() / 24; {
		case r.LastActivityDate.IsZero():
			never++
		case age < 7:
			week++
		case age >= 30:
			idle++
		}
	}
	var mailboxes, shared, big int
	for r := range tn.MailboxUsageRows("D7") {
		mailboxes++
		if r.RecipientType == "Shared" {
			shared++
		}
		if r.StorageUsedBytes.N > 50<<30 {
			big++
		}
		if q := r.ProhibitSendReceiveBytes.N; q < 49<<30 || q > 100<<30 || r.CreatedDate.After(r.ReportRefreshDate) {
			t.Fatalf("mailbox %s: quota %d, created %s; want 49 to 100 GB, not after %s", r.UserPrincipalName, q, r.CreatedDate, r.ReportRefreshDate)
		}
	}
	var apps, desktop, nothing int
	for r := range tn.AppsUsageRows("D180") {
		apps++
		switch {
		case r.Platform[0] == extract.Yes || r.Platform[1] == extract.Yes:
			desktop++
		case r.LastActivityDate.IsZero():
			nothing++
		}
	}
	shares := []struct {
		name     string
		got      float64
		min, max float64
	}{
		{"Copilot holders never active", ratio(never, holders), 0.2, 0.3},
		{"Copilot holders active within a week", ratio(week, holders), 0.55, 0.66},
		{"Copilot holders idle 30 days or more", ratio(idle, holders), 0.11, 0.19},
		{"shared mailboxes", ratio(shared, mailboxes), 0.01, 0.08},
		{"mailboxes above 50 GB", ratio(big, mailboxes), 0.003, 0.03},
		{"Apps licensees on a desktop in D180", ratio(desktop, apps), 0.45, 0.65},
		{"Apps licensees using nothing", ratio(nothing, apps), 0.12, 0.3},
	}
	for _, s := range shares {
		if s.got < s.min || s.got > s.max {
			t.Errorf("%s: got %.3f, want %.2f to %.2f", s.name, s.got, s.min, s.max)
		}
	}
}

func ratio(a, b int) float64 { return float64(a) / float64(max(b, 1)) }
