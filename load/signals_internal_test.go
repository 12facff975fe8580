package load

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// TestSignalAppendFailure: a usage signal row the appender cannot take
// (here: its staging table is gone) fails the snapshot with an error that
// names the dataset and the row's number, never the user.
func TestSignalAppendFailure(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const upn = "secret.user@contoso.com"
	tests := []struct {
		dataset, table string
		add            func(*Snapshot) error
	}{
		{"copilot_usage", "raw_copilot_usage", func(s *Snapshot) error {
			return s.AppendCopilotUsage("D90", extract.CopilotUsageRow{UserPrincipalName: upn})
		}},
		{"apps_usage", "raw_apps_usage", func(s *Snapshot) error {
			return s.AppendAppsUsage("D180", extract.AppsUsageRow{UserPrincipalName: upn})
		}},
		{"office_activations", "raw_office_activations", func(s *Snapshot) error {
			return s.AppendActivation(extract.ActivationRow{UserPrincipalName: upn})
		}},
		{"mailbox_usage", "raw_mailbox_usage", func(s *Snapshot) error {
			return s.AppendMailboxUsage("D7", extract.MailboxUsageRow{UserPrincipalName: upn})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			s, err := w.BeginSnapshot(ctx, "contoso", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "run-1")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			if _, err := s.conn.ExecContext(ctx, "DROP TABLE temp.main."+tt.table); err != nil {
				t.Fatal(err)
			}
			err = tt.add(s)
			if want := "append " + tt.dataset + " row 1: "; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, want an error containing %q", err, want)
			}
			if strings.Contains(err.Error(), upn) {
				t.Errorf("error %q names the user", err)
			}
			if err := s.Commit(StatusOK); err == nil || !strings.Contains(err.Error(), "failed earlier") {
				t.Errorf("Commit after a failed append: got %v, want a refusal", err)
			}
		})
	}
}
