package graph_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// deltaRound collects one users/delta round.
type deltaRound struct {
	changed []extract.User
	removed []string
	pages   int
	link    string
}

func runDelta(ctx context.Context, c *graph.Client, link string) (deltaRound, error) {
	var r deltaRound
	var err error
	r.link, err = c.UsersDelta(ctx, link, func(changed []extract.User, removed []string) error {
		r.pages++
		r.changed = append(r.changed, changed...)
		r.removed = append(r.removed, removed...)
		return nil
	})
	return r, err
}

func TestUsersDeltaDocumentedShapes(t *testing.T) {
	f := graphtest.New(t)
	f.ServeUsersDelta()
	c := newClientWith(t, f, nil, nil)
	ctx := context.Background()
	base := f.URL() + "/v1.0/users/delta?$deltatoken="

	first, err := runDelta(ctx, c, "")
	if err != nil {
		t.Fatalf("initial round: %v", err)
	}
	if got := userIDs(first.changed); first.pages != 2 || len(got) != 3 || len(first.removed) != 0 {
		t.Fatalf("initial round: got %d pages, users %v, removed %v; want 2 pages, 3 users, none removed", first.pages, got, first.removed)
	}
	if got, want := first.link, base+graphtest.DeltaRound2; got != want {
		t.Fatalf("initial round: got deltaLink %q, want %q", got, want)
	}
	if got := first.changed[1].LicenseAssignmentStates; len(got) != 1 || got[0].AssignedByGroup == "" {
		t.Errorf("user 2: got states %+v, want one group-assigned state", got)
	}

	second, err := runDelta(ctx, c, first.link)
	if err != nil {
		t.Fatalf("second round: %v", err)
	}
	if len(second.changed) != 1 || second.changed[0].Department != "Finance" ||
		!reflect.DeepEqual(second.removed, []string{"00000000-0000-0000-0000-000000000001"}) {
		t.Errorf("second round: got changed %+v removed %v, want user 2 in Finance and user 1 removed", second.changed, second.removed)
	}

	latest, err := c.UsersDeltaLatest(ctx)
	if err != nil || latest != base+graphtest.DeltaRound2 {
		t.Errorf("UsersDeltaLatest: got %q, %v; want %q", latest, err, base+graphtest.DeltaRound2)
	}

	for _, tc := range []struct {
		name, link string
		want       error
	}{
		{"410 Gone", base + graphtest.DeltaExpired, graph.ErrDeltaExpired},
		{"400 syncStateNotFound", base + graphtest.DeltaBad400, graph.ErrDeltaExpired},
		{"other host", "https://elsewhere.example/v1.0/users/delta?$deltatoken=" + graphtest.DeltaRound2, graph.ErrBadResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runDelta(ctx, c, tc.link)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want an error matching %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "round") || strings.Contains(err.Error(), "badsync") {
				t.Errorf("error %q quotes the delta token", err)
			}
		})
	}
}

func userIDs(us []extract.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// picture applies rounds of changes to a map of users by id.
func apply(p map[string]extract.User, changed []extract.User, removed []string) {
	for _, u := range changed {
		p[u.ID] = u
	}
	for _, id := range removed {
		delete(p, id)
	}
}

// TestUsersDeltaAgainstSimulator checks that a full read plus a delta
// round after churn gives the same users as a full read of the churned
// tenant, with Graph's 200-user delta pages, and that the link expires.
func TestUsersDeltaAgainstSimulator(t *testing.T) {
	obs := &observer{}
	srv, c := startSim(t, 2500, graphsim.ServerOptions{}, obs)
	ctx := context.Background()
	full := func() map[string]extract.User {
		t.Helper()
		users, _, err := collectUsers(ctx, c)
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		p := map[string]extract.User{}
		apply(p, users, nil)
		return p
	}
	link, err := c.UsersDeltaLatest(ctx)
	if err != nil {
		t.Fatalf("UsersDeltaLatest: %v", err)
	}
	picture := full()
	initial, err := runDelta(ctx, c, "")
	if err != nil {
		t.Fatalf("initial delta round: %v", err)
	}
	if got, want := initial.pages, 13; got != want { // 2500 users, 200 a page
		t.Errorf("initial delta round: got %d pages, want %d", got, want)
	}
	viaDelta := map[string]extract.User{}
	apply(viaDelta, initial.changed, nil)
	if !reflect.DeepEqual(viaDelta, picture) {
		t.Errorf("initial delta round: got %d users, want the %d of GET /users, equal", len(viaDelta), len(picture))
	}

	res := srv.Tenant().Churn(0.04, 3)
	before := len(obs.get("usersDelta"))
	round, err := runDelta(ctx, c, link)
	if err != nil {
		t.Fatalf("delta round: %v", err)
	}
	if got, want := len(obs.get("usersDelta"))-before, 1; got != want { // 100 changes fit one page
		t.Errorf("delta round: got %d requests, want %d", got, want)
	}
	if got, want := len(round.changed)+len(round.removed), res.Changed+res.Added+res.Deleted; got != want {
		t.Errorf("delta round: got %d items, want %d", got, want)
	}
	apply(picture, round.changed, round.removed)
	if want := full(); !reflect.DeepEqual(picture, want) {
		t.Errorf("full + delta: got %d users, want %d, equal to a full read of the churned tenant", len(picture), len(want))
	}

	srv.Tenant().ExpireDeltaTokens()
	if _, err := runDelta(ctx, c, round.link); !errors.Is(err, graph.ErrDeltaExpired) {
		t.Errorf("expired link: got %v, want ErrDeltaExpired", err)
	}
	if got := obs.get("usersDelta"); got[len(got)-1] != http.StatusGone {
		t.Errorf("expired link: got status %d observed, want 410", got[len(got)-1])
	}
}
