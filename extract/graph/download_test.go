package graph_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
)

// TestReportDownloadRefused: a report download link that answers 403
// (an expired Azure Blob SAS) or 404 is asked for again from Graph, which
// issues a fresh link; when every link is refused, the error says so.
func TestReportDownloadRefused(t *testing.T) {
	tests := []struct {
		name       string
		refused    int // report requests answered with a refused link
		status     int // what the refused link answers
		maxRetries int
		wantErr    string // "" = success
		reports    int    // report requests Graph saw
	}{
		{"expired once", 1, http.StatusForbidden, 2, "", 2},
		{"gone once", 1, http.StatusNotFound, 2, "", 2},
		{"always expired", 9, http.StatusForbidden, 2, "download link refused (expired or revoked): HTTP 403", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			f.SameDL = true
			reports := 0
			f.Hook = func(p string, n int, w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasPrefix(p, "/reports/") {
					return false
				}
				reports = n
				if n > tt.refused {
					return false
				}
				// graphtest answers 403 to a bad signature and 404 outside /download/.
				link := map[int]string{http.StatusForbidden: "/download/report.csv?sig=expired", http.StatusNotFound: "/gone?sig=x"}[tt.status]
				http.Redirect(w, r, f.URL()+link, http.StatusFound)
				return true
			}
			c := newClientWith(t, f, nil, func(cfg *graph.Config) { cfg.MaxRetries = tt.maxRetries })
			rows := 0
			err := c.ActivityReport(t.Context(), "D7", func(extract.ActivityRow) error { rows++; return nil })
			switch {
			case tt.wantErr == "" && (err != nil || rows == 0):
				t.Fatalf("got %d rows, error %v; want rows", rows, err)
			case tt.wantErr != "" && (!errors.Is(err, graph.ErrDownloadRefused) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got %v, want graph.ErrDownloadRefused: %q", err, tt.wantErr)
			case tt.wantErr != "" && strings.Contains(err.Error(), "sig="):
				t.Errorf("error %q quotes the pre-authenticated download URL", err)
			}
			if reports != tt.reports {
				t.Errorf("report requests: got %d, want %d", reports, tt.reports)
			}
			for _, a := range f.DownloadAuth() {
				if a != "" {
					t.Errorf("a download carried Authorization %q, want none", a)
				}
			}
		})
	}
}
