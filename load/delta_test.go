package load_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// dumpUsers returns the user rows of a snapshot (without run_id), sorted,
// one string per row, per table.
func dumpUsers(t *testing.T, w *load.Warehouse, tenant string, date time.Time) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, cols := range map[string]string{
		"raw_users":                     "id, user_principal_name, display_name, mail, department, cost_center, company_name, country, usage_location, user_type, account_enabled, created_date_time",
		"raw_user_licenses":             "user_id, sku_id, disabled_plans",
		"raw_license_assignment_states": "user_id, sku_id, assigned_by_group, state, error, disabled_plans, last_updated_date_time",
	} {
		rows, err := w.SQLForTests().Query("SELECT concat_ws('|', "+cols+") AS r FROM "+table+
			" WHERE tenant = ? AND snapshot_date = ? ORDER BY r", tenant, date)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			out[table] = append(out[table], r)
		}
		rows.Close()
	}
	return out
}

// churn makes day 2 from day 1's users: every seventh user changed (a
// department and a licence less), every eleventh removed, 20 added.
func churn(day1 []extract.User) (final, changed []extract.User, removed []string) {
	for i, u := range day1 {
		switch {
		case i%11 == 5:
			removed = append(removed, u.ID)
			continue
		case i%7 == 3:
			u.Department = "Moved"
			u.AssignedLicenses = u.AssignedLicenses[:len(u.AssignedLicenses)-1]
			u.LicenseAssignmentStates = u.LicenseAssignmentStates[:len(u.LicenseAssignmentStates)-1]
			changed = append(changed, u)
		}
		final = append(final, u)
	}
	added := genUsers(len(day1), 20)
	return append(final, added...), append(changed, added...), removed
}

func TestCarryUsersEqualsFullSnapshot(t *testing.T) {
	ctx := context.Background()
	day1Users := genUsers(0, 3000)
	final, changed, removed := churn(day1Users)
	for _, tc := range []struct {
		name     string
		changed  []extract.User
		removed  []string
		want     []extract.User
		wantUser int64
	}{
		{"no changes", nil, nil, day1Users, 3000},
		{"changed, added and removed", changed, removed, final, int64(len(final))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := mustOpen(t)
			writeSnapshot(t, w, "full", day2, "run-full", tc.want)
			writeSnapshot(t, w, "delta", day1, "run-1", day1Users)

			s, err := w.BeginSnapshot(ctx, "delta", day2, "run-2")
			if err != nil {
				t.Fatalf("BeginSnapshot: %v", err)
			}
			defer s.Rollback()
			if err := s.AppendUsers(tc.changed); err != nil {
				t.Fatalf("AppendUsers: %v", err)
			}
			except := append(userIDsOf(tc.changed), tc.removed...)
			carried, err := s.CarryUsers(ctx, day1, except)
			if err != nil {
				t.Fatalf("CarryUsers: %v", err)
			}
			if got, want := carried+int64(len(tc.changed)), tc.wantUser; got != want || s.Counts().Users != want {
				t.Errorf("users: got %d carried + %d changed (counts %d), want %d", carried, len(tc.changed), s.Counts().Users, want)
			}
			if err := s.Commit("ok"); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			got, want := dumpUsers(t, w, "delta", day2), dumpUsers(t, w, "full", day2)
			if !reflect.DeepEqual(got, want) {
				for table := range want {
					t.Errorf("%s: got %d rows, want %d, equal to the full snapshot", table, len(got[table]), len(want[table]))
				}
			}
			if n := count(t, w, "raw_users", "delta", day1); n != 3000 {
				t.Errorf("day 1 snapshot after the carry: got %d users, want 3000 untouched", n)
			}
			var runs int
			if err := w.SQLForTests().QueryRow("SELECT count(DISTINCT run_id) FROM raw_users WHERE tenant = 'delta' AND snapshot_date = ?", day2).Scan(&runs); err != nil || runs != 1 {
				t.Errorf("day 2 run ids: got %d distinct (%v), want 1 (carried rows belong to run-2)", runs, err)
			}
		})
	}
}

func userIDsOf(us []extract.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestRemoveAndResetUsers(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	s, err := w.BeginSnapshot(ctx, "t", day1, "run-1")
	if err != nil {
		t.Fatalf("BeginSnapshot: %v", err)
	}
	defer s.Rollback()
	users := genUsers(0, 10)
	if err := s.AppendUsers(users); err != nil {
		t.Fatalf("AppendUsers: %v", err)
	}
	if err := s.RemoveUsers(ctx, []string{users[0].ID, users[4].ID}); err != nil {
		t.Fatalf("RemoveUsers: %v", err)
	}
	if got, want := s.Counts().Users, int64(8); got != want {
		t.Errorf("after RemoveUsers: got %d users counted, want %d", got, want)
	}
	if got, want := s.Counts().Licenses, licenceRows(0, 10)-licenceRows(0, 1)-licenceRows(4, 1); got != want {
		t.Errorf("after RemoveUsers: got %d licences counted, want %d", got, want)
	}
	if err := s.ResetUsers(); err != nil {
		t.Fatalf("ResetUsers: %v", err)
	}
	if err := s.AppendUsers(users[:3]); err != nil {
		t.Fatalf("AppendUsers after reset: %v", err)
	}
	if err := s.Commit("ok"); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := count(t, w, "raw_users", "t", day1); got != 3 {
		t.Errorf("committed users: got %d, want 3 (only those appended after the reset)", got)
	}
}

func TestUserDeltaState(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	obtained := time.Date(2025, 3, 2, 3, 4, 5, 0, time.UTC)
	st := load.UserDeltaState{Link: "https://graph.example/v1.0/users/delta?$deltatoken=SECRET", ObtainedAt: obtained, FullSyncAt: obtained.AddDate(0, 0, -3)}

	commit := func(rollback bool, write func(*load.Snapshot) error) {
		t.Helper()
		s, err := w.BeginSnapshot(ctx, "t", day2, "run")
		if err != nil {
			t.Fatalf("BeginSnapshot: %v", err)
		}
		defer s.Rollback()
		if err := write(s); err != nil {
			t.Fatalf("write state: %v", err)
		}
		if !rollback {
			if err := s.Commit("ok"); err != nil {
				t.Fatalf("Commit: %v", err)
			}
		}
	}
	commit(true, func(s *load.Snapshot) error { return s.SetUserDeltaState(st) })
	if _, ok, err := w.UserDeltaState(ctx, "t"); ok || err != nil {
		t.Fatalf("after a rolled back snapshot: got state %t (%v), want none", ok, err)
	}
	commit(false, func(s *load.Snapshot) error { return s.SetUserDeltaState(st) })
	got, ok, err := w.UserDeltaState(ctx, "t")
	want := st
	want.SnapshotDate = day2
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("UserDeltaState: got %+v %t %v, want %+v", got, ok, err, want)
	}
	if has, err := w.HasSnapshot(ctx, "t", day2); !has || err != nil {
		t.Errorf("HasSnapshot(day 2): got %t %v, want true", has, err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, got); strings.Contains(s, "SECRET") || !strings.Contains(s, "<secret>") {
			t.Errorf("Sprintf(%q, state) = %q, want the link hidden", verb, s)
		}
	}
	commit(false, func(s *load.Snapshot) error { return s.ClearUserDeltaState() })
	if _, ok, _ := w.UserDeltaState(ctx, "t"); ok {
		t.Errorf("after ClearUserDeltaState: got a state, want none")
	}
}
