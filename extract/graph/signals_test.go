package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
)

// signalCall runs one signal report and counts its rows.
type signalCall func(ctx context.Context, c *graph.Client, rows *int) error

func copilotCall(period string) signalCall {
	return func(ctx context.Context, c *graph.Client, rows *int) error {
		return c.CopilotUsage(ctx, period, func(extract.CopilotUsageRow) error { *rows++; return nil })
	}
}

func appsCall(period string) signalCall {
	return func(ctx context.Context, c *graph.Client, rows *int) error {
		return c.AppsUsage(ctx, period, func(extract.AppsUsageRow) error { *rows++; return nil })
	}
}

func activationsCall(ctx context.Context, c *graph.Client, rows *int) error {
	return c.Activations(ctx, func(extract.ActivationRow) error { *rows++; return nil })
}

func mailboxCall(period string) signalCall {
	return func(ctx context.Context, c *graph.Client, rows *int) error {
		return c.MailboxUsage(ctx, period, func(extract.MailboxUsageRow) error { *rows++; return nil })
	}
}

// TestSignalReportsOverHTTP streams each report through the real client
// and pipeline against graphtest: Graph answers on the documented path
// either with the CSV itself (200, as documented for Copilot) or with a
// 302 to a pre-authenticated download on which no token may appear.
func TestSignalReportsOverHTTP(t *testing.T) {
	tests := []struct {
		name     string
		call     signalCall
		path     string // the Graph path (without /v1.0) the call must use
		fixture  string
		redirect bool
		endpoint string
		observed string // Observe(endpoint) statuses
		rows     int
	}{
		{"copilot 200", copilotCall("D90"), "/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D90')",
			"copilotUsageUserDetail.v1.csv", false, "copilotUsage", "[200]", 1},
		{"copilot 302", copilotCall("ALL"), "/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='ALL')",
			"copilotUsageUserDetail.v1.from-json-example.csv", true, "copilotUsage", "[302 200]", 1},
		{"apps", appsCall("D180"), "/reports/getM365AppUserDetail(period='D180')",
			"m365AppUserDetail.from-json-example.csv", true, "appsUsage", "[302 200]", 1},
		{"activations", activationsCall, "/reports/getOffice365ActivationsUserDetail",
			"office365ActivationsUserDetail.pnp-cli-sample.csv", true, "activations", "[302 200]", 2},
		{"mailbox", mailboxCall("D7"), "/reports/getMailboxUsageDetail(period='D7')",
			"mailboxUsageDetail.from-json-example.csv", true, "mailboxUsage", "[302 200]", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			// Served as Microsoft serves reports: BOM and CRLF.
			body := "\xEF\xBB\xBF" + strings.ReplaceAll(fixture(t, tt.fixture), "\n", "\r\n")
			f.CSV = body
			var mu sync.Mutex
			var paths []string
			f.Hook = func(p string, _ int, w http.ResponseWriter, r *http.Request) bool {
				mu.Lock()
				paths = append(paths, p)
				mu.Unlock()
				if p != tt.path {
					graphtest.WriteGraphError(w, http.StatusBadRequest, "BadRequest", "unexpected path")
					return true
				}
				if tt.redirect {
					http.Redirect(w, r, f.URL()+"/download/report.csv?sig=abc", http.StatusFound)
					return true
				}
				w.Header().Set("Content-Type", "application/octet-stream")
				fmt.Fprint(w, body)
				return true
			}
			obs := &observer{}
			c := newClientWith(t, f, obs, nil)
			rows := 0
			if err := tt.call(t.Context(), c, &rows); err != nil {
				t.Fatalf("got error %v (Graph paths %q), want none", err, paths)
			}
			if rows != tt.rows {
				t.Errorf("got %d rows, want %d", rows, tt.rows)
			}
			if got := fmt.Sprint(obs.get(tt.endpoint)); got != tt.observed {
				t.Errorf("Observe(%s): got %s, want %s", tt.endpoint, got, tt.observed)
			}
			for _, a := range f.DownloadAuth() {
				if a != "" {
					t.Errorf("the download carried Authorization %q, want none", a)
				}
			}
		})
	}
}

// TestSignalReportBrokenBeforeFirstRow: a report body that breaks before
// its first row reached the caller is asked for again, and the second,
// whole answer is read; one that keeps breaking fails after MaxRetries
// more calls.
func TestSignalReportBrokenBeforeFirstRow(t *testing.T) {
	head := strings.Join(extract.CopilotUsageColumns, ",") + "\r\n"
	whole := head + "2026-11-03,E58EEF6A6BBD3D0293CB306D24A42057,,,,,,,,,,,7\r\n"
	broken := func(w http.ResponseWriter) {
		w.Header().Set("Content-Length", strconv.Itoa(len(whole)+5000))
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, head[:20]) // cut inside the header
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	for _, tt := range []struct {
		name         string
		brokenCalls  int
		rows, calls  int
		wantErrorHas string
	}{
		{"once", 1, 1, 2, ""},
		{"every time", 100, 0, 3, "copilot usage report D7:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			var mu sync.Mutex
			calls := 0
			f.Hook = func(_ string, _ int, w http.ResponseWriter, _ *http.Request) bool {
				mu.Lock()
				calls++
				n := calls
				mu.Unlock()
				if n <= tt.brokenCalls {
					broken(w)
				}
				w.WriteHeader(http.StatusOK)
				fmt.Fprint(w, whole)
				return true
			}
			c := newClientWith(t, f, nil, func(cfg *graph.Config) { cfg.MaxRetries = 2 })
			rows := 0
			err := copilotCall("D7")(t.Context(), c, &rows)
			switch {
			case tt.wantErrorHas == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.wantErrorHas != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErrorHas)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErrorHas)
			}
			mu.Lock()
			defer mu.Unlock()
			if rows != tt.rows || calls != tt.calls {
				t.Errorf("got %d rows in %d calls, want %d in %d", rows, calls, tt.rows, tt.calls)
			}
		})
	}
}

// TestSignalReportErrors: a bad period sends nothing; Graph's refusal
// keeps its status and endpoint; a body cut mid-stream after rows were
// handed out is an error and is not retried.
func TestSignalReportErrors(t *testing.T) {
	tests := []struct {
		name     string
		call     signalCall
		answer   func(w http.ResponseWriter) // nil: no Graph call expected
		want     error                       // nil: any error
		wantText string
		rows     int
		calls    int // Graph calls
	}{
		{"copilot period D28 (report version v2 only)", copilotCall("D28"), nil, nil,
			`copilot usage report: period must be one of D7, D30, D90, D180, ALL, got "D28"`, 0, 0},
		{"apps period ALL", appsCall("ALL"), nil, nil,
			`apps usage report: period must be one of D7, D30, D90, D180, got "ALL"`, 0, 0},
		{"mailbox period d7", mailboxCall("d7"), nil, nil, `got "d7"`, 0, 0},
		{"apps forbidden", appsCall("D7"), func(w http.ResponseWriter) {
			graphtest.WriteGraphError(w, http.StatusForbidden, "Forbidden", "Reports.Read.All required")
		}, graph.ErrForbidden, "apps usage report D7: appsUsage: HTTP 403", 0, 1},
		{"activations not found", activationsCall, func(w http.ResponseWriter) {
			graphtest.WriteGraphError(w, http.StatusNotFound, "NotFound", "no such function")
		}, graph.ErrNotFound, "activations report: activations: HTTP 404", 0, 1},
		{"copilot body cut after a row", copilotCall("D7"), func(w http.ResponseWriter) {
			head := strings.Join(extract.CopilotUsageColumns, ",") + "\r\n2026-11-03,E58EEF6A6BBD3D0293CB306D24A42057,,,,,,,,,,,7\r\n"
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+5000))
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, head+"2026-11-03,6A46303")
			_ = http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		}, nil, "copilot usage report D7:", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			var mu sync.Mutex
			calls := 0
			f.Hook = func(_ string, _ int, w http.ResponseWriter, _ *http.Request) bool {
				mu.Lock()
				calls++
				mu.Unlock()
				if tt.answer == nil {
					t.Errorf("Graph called, want no call")
					return false
				}
				tt.answer(w)
				return true
			}
			c := newClientWith(t, f, nil, func(cfg *graph.Config) { cfg.MaxRetries = 2 })
			rows := 0
			err := tt.call(t.Context(), c, &rows)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got error %v, want %v containing %q", err, tt.want, tt.wantText)
			}
			t.Logf("error text: %v", err)
			if rows != tt.rows {
				t.Errorf("got %d rows before the error, want %d", rows, tt.rows)
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != tt.calls {
				t.Errorf("got %d Graph calls, want %d", calls, tt.calls)
			}
		})
	}
}
