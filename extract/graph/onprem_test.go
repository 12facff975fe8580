package graph_test

import (
	"context"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestOnPremisesFieldsFromSimulator reads the simulated tenant over HTTPS
// with the real credential, by GET /users and by a users/delta round, and
// checks that every user's onPremisesDistinguishedName and
// onPremisesSyncEnabled are the simulator's: a DN with true for synced
// members, empty and nil for the others.
func TestOnPremisesFieldsFromSimulator(t *testing.T) {
	srv, c := startSim(t, 1500, graphsim.ServerOptions{}, nil)
	ctx := context.Background()
	users, _, err := collectUsers(ctx, c)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	delta, err := runDelta(ctx, c, "")
	if err != nil {
		t.Fatalf("users/delta: %v", err)
	}
	tn := srv.Tenant()
	for name, list := range map[string][]extract.User{"users": users, "users/delta": delta.changed} {
		synced, cloud := 0, 0
		for _, u := range list {
			i, ok := tn.Lookup(u.ID)
			if !ok {
				t.Fatalf("%s: user %s unknown to the simulator", name, u.ID)
			}
			want := tn.User(i)
			if u.OnPremisesDistinguishedName != want.OnPremisesDistinguishedName || !sameBool(u.OnPremisesSyncEnabled, want.OnPremisesSyncEnabled) {
				t.Errorf("%s: user %s: got DN %q syncEnabled %s, want %q %s", name, u.ID,
					u.OnPremisesDistinguishedName, boolText(u.OnPremisesSyncEnabled), want.OnPremisesDistinguishedName, boolText(want.OnPremisesSyncEnabled))
			}
			if u.OnPremisesSyncEnabled == nil {
				cloud++
			} else {
				synced++
			}
		}
		if synced == 0 || cloud == 0 {
			t.Errorf("%s: %d synced and %d cloud-only users, want some of each", name, synced, cloud)
		}
	}
}

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func boolText(v *bool) string {
	switch {
	case v == nil:
		return "null"
	case *v:
		return "true"
	}
	return "false"
}
