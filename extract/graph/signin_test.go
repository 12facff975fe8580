package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
)

// TestSignInActivityOverHTTP reads signInActivity through the real client
// against graphtest: pages of 500, or 120 after a 400 from a service still
// on the old cap; nulls (a never-signed-in user, a successful date never
// recorded) are zero times, and fractional seconds parse.
func TestSignInActivityOverHTTP(t *testing.T) {
	day := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := []extract.SignInActivity{
		{UserID: "00000000-0000-0000-0000-000000000001", LastSignIn: day("2022-10-19T08:15:00Z"),
			LastNonInteractive: day("2022-10-22T23:59:59.1234567Z"), LastSuccessful: day("2022-10-22T23:59:59.1234567Z")},
		{UserID: "00000000-0000-0000-0000-000000000002", LastSignIn: day("2022-06-01T10:00:00Z"),
			LastNonInteractive: day("2022-05-30T10:00:00Z")},
		{UserID: "00000000-0000-0000-0000-000000000003"},
	}
	for _, oldCap := range []bool{false, true} {
		t.Run(map[bool]string{false: "pages of 500", true: "pages of 120 after a 400"}[oldCap], func(t *testing.T) {
			f := graphtest.New(t)
			f.OldSignInCap = oldCap
			obs := &observer{}
			c := newClientWith(t, f, obs, nil)
			var got []extract.SignInActivity
			err := c.SignInActivity(context.Background(), func(rs []extract.SignInActivity) error {
				got = append(got, rs...)
				return nil
			})
			if err != nil {
				t.Fatalf("SignInActivity: %v", err)
			}
			if !slices.EqualFunc(got, want, func(a, b extract.SignInActivity) bool {
				return a.UserID == b.UserID && a.LastSignIn.Equal(b.LastSignIn) &&
					a.LastNonInteractive.Equal(b.LastNonInteractive) && a.LastSuccessful.Equal(b.LastSuccessful)
			}) {
				t.Errorf("signInActivity:\n got %+v\nwant %+v", got, want)
			}
			wantCalls := "[200 200]"
			if oldCap {
				wantCalls = "[400 200 200]"
			}
			if got := fmt.Sprint(obs.get("signInActivity")); got != wantCalls {
				t.Errorf("signInActivity calls: got %s, want %s", got, wantCalls)
			}
		})
	}
}

// TestSignInsOverHTTP reads the Power BI sign-in logs through the real
// client: the documented filter, pages followed, events of other
// applications and outside the window dropped, failures kept with their
// error code; a page bound stops the read and moves the window's start
// past the oldest second read.
func TestSignInsOverHTTP(t *testing.T) {
	since, _ := time.Parse(time.RFC3339, graphtest.SignInsSince)
	until, _ := time.Parse(time.RFC3339, graphtest.SignInsUntil)
	tests := []struct {
		name     string
		maxPages int
		events   []string // user last digit @ createdDateTime # error code
		from     string
		trunc    bool
	}{
		{"all pages", 0, []string{"1@2022-10-21T09:00:00Z#50126", "1@2022-10-20T08:00:00Z#0",
			"1@2022-10-02T07:00:00Z#0", "2@2022-09-30T07:30:00Z#0"}, graphtest.SignInsSince, false},
		{"one page", 1, []string{"1@2022-10-21T09:00:00Z#50126", "1@2022-10-20T08:00:00Z#0"},
			"2022-10-19T12:00:01Z", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := graphtest.New(t)
			c := newClientWith(t, f, nil, nil)
			var got []string
			win, err := c.SignIns(context.Background(), extract.PowerBIAppID, since, until, tc.maxPages, func(es []extract.SignIn) error {
				for _, e := range es {
					got = append(got, e.UserID[len(e.UserID)-1:]+"@"+e.CreatedDateTime.Format(time.RFC3339)+"#"+strconv.Itoa(e.ErrorCode))
				}
				return nil
			})
			if err != nil {
				t.Fatalf("SignIns: %v", err)
			}
			if !slices.Equal(got, tc.events) {
				t.Errorf("events:\n got %v\nwant %v", got, tc.events)
			}
			if win.From.Format(time.RFC3339) != tc.from || !win.To.Equal(until) || win.Truncated != tc.trunc {
				t.Errorf("window: got %+v, want from %s to %s truncated %v", win, tc.from, graphtest.SignInsUntil, tc.trunc)
			}
			want := "appId eq '00000009-0000-0000-c000-000000000000' and createdDateTime ge " + graphtest.SignInsSince
			if got := f.SignInFilters(); len(got) != 1 || got[0] != want {
				t.Errorf("filters: got %q, want [%q]", got, want)
			}
		})
	}
	t.Run("an empty window", func(t *testing.T) {
		c := newClientWith(t, graphtest.New(t), nil, nil)
		if _, err := c.SignIns(context.Background(), extract.PowerBIAppID, until, until, 0, nil); err == nil {
			t.Fatal("SignIns with since = until: got nil error")
		}
	})
}

// TestSignInsForbidden: a tenant without Entra ID P1/P2 answers 403,
// which callers match as extract.ErrForbidden (a finding, not a failure).
func TestSignInsForbidden(t *testing.T) {
	f := graphtest.New(t)
	f.Hook = func(path string, _ int, w http.ResponseWriter, _ *http.Request) bool {
		if path != "/auditLogs/signIns" && path != "/users" {
			return false
		}
		graphtest.WriteGraphError(w, http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
			"Neither tenant is B2C or tenant doesn't have premium license")
		return true
	}
	c := newClientWith(t, f, nil, nil)
	since, _ := time.Parse(time.RFC3339, graphtest.SignInsSince)
	until, _ := time.Parse(time.RFC3339, graphtest.SignInsUntil)
	_, err := c.SignIns(context.Background(), extract.PowerBIAppID, since, until, 0, func([]extract.SignIn) error { return nil })
	if !errors.Is(err, extract.ErrForbidden) || !errors.Is(err, graph.ErrForbidden) {
		t.Errorf("SignIns: got %v, want extract.ErrForbidden", err)
	}
	err = c.SignInActivity(context.Background(), func([]extract.SignInActivity) error { return nil })
	if !errors.Is(err, extract.ErrForbidden) {
		t.Errorf("SignInActivity: got %v, want extract.ErrForbidden", err)
	}
}
