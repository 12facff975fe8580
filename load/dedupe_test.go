package load_test

import (
	"testing"
)

// TestRepeatedUsers: a user Graph returned on two pages is stored once,
// with its licences and assignment states once, and the counts say so.
func TestRepeatedUsers(t *testing.T) {
	w, _ := mustOpen(t)
	users := genUsers(0, 50)
	repeated := append(users, users[3], users[17], users[17])
	counts := writeSnapshot(t, w, "contoso", day1, "run-1", repeated)
	clean := writeSnapshot(t, w, "fabrikam", day1, "run-1", users)
	for _, q := range []struct {
		name      string
		got, want int64
	}{
		{"counts.Users", counts.Users, clean.Users},
		{"counts.Licenses", counts.Licenses, clean.Licenses},
		{"counts.AssignmentStates", counts.AssignmentStates, clean.AssignmentStates},
	} {
		if q.got != q.want {
			t.Errorf("%s: got %d, want %d", q.name, q.got, q.want)
		}
	}
	for _, table := range []string{"raw_users", "raw_user_licenses", "raw_license_assignment_states"} {
		got := queryRow(t, w, "SELECT count(*) FROM "+table+" WHERE tenant = 'contoso'")[0]
		want := queryRow(t, w, "SELECT count(*) FROM "+table+" WHERE tenant = 'fabrikam'")[0]
		if got != want {
			t.Errorf("%s: got %v rows, want %v (as without repeats)", table, got, want)
		}
	}
}
