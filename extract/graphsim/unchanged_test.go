package graphsim_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// outputsHash hashes what the existing endpoints serve for tenant: every
// GET /users page (all properties), /subscribedSkus,
// /directory/subscriptions, /groups and the Office 365 report download.
// The server's URL (a free port) is blanked out of nextLinks.
func outputsHash(t *testing.T, tenant *graphsim.Tenant, opts graphsim.ServerOptions) string {
	t.Helper()
	s := serveTenant(t, tenant, opts)
	tok := s.token()
	h := sha256.New()
	add := func(b []byte) {
		h.Write([]byte(strings.ReplaceAll(string(b), s.srv.URL(), "URL")))
		h.Write([]byte{0})
	}
	path := "/v1.0/users?$top=250&$select=" + everyUserProperty
	for path != "" {
		resp, data := s.do(http.MethodGet, path, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200", path, resp.StatusCode)
		}
		add(data)
		var page struct {
			Next string `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("GET %s: decode: %v", path, err)
		}
		path = page.Next
	}
	for _, p := range []string{"/v1.0/subscribedSkus", "/v1.0/directory/subscriptions", "/v1.0/groups"} {
		resp, data := s.do(http.MethodGet, p, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200", p, resp.StatusCode)
		}
		add(data)
	}
	add(downloadReport(t, s, tok, "D7"))
	return hex.EncodeToString(h.Sum(nil))
}

// TestExistingOutputsUnchanged pins the existing endpoints' bytes for a
// fixed tenant (hashes taken before the Copilot, Apps, activations and
// mailbox reports were added): other packages build golden files on them.
// The signal reports' literal switches must not touch them either, nor
// the sign-in options (premium, throttle, AuditLog.Read.All).
func TestExistingOutputsUnchanged(t *testing.T) {
	const day0, day5 = "4916acc108371ac6186a0cee6df4afdc09a21b493a65da832cdcb9e46598e208",
		"3fc099e16c51406b01c4448ce7b97be36eefb6b7aa8add756aac53407a789dd0"
	switches := graphsim.ServerOptions{ReportNullDates: true, AppsUsageTrueFalse: true, MailboxRecipientTypeDetails: true,
		Faults: graphsim.Faults{ExpiredSignalLinks: 3}}
	cases := []struct {
		name string
		gen  graphsim.GenOptions
		opts graphsim.ServerOptions
		want string
	}{
		{"day 0", graphsim.GenOptions{Users: 1500, Seed: 42, Now: fixedNow}, graphsim.ServerOptions{}, day0},
		{"day 0, signal switches on", graphsim.GenOptions{Users: 1500, Seed: 42, Now: fixedNow, CopilotSeats: 0}, switches, day0},
		{"day 0, no Entra premium, tight sign-in throttle", graphsim.GenOptions{Users: 1500, Seed: 42, Now: fixedNow, NoEntraPremium: true},
			graphsim.ServerOptions{SignInThrottle: 1, SignInThrottleWindow: time.Hour, Permissions: auditPerms}, day0},
		{"day 5 with churn", graphsim.GenOptions{Users: 1200, Seed: 7, Now: fixedNow.AddDate(0, 0, 5), Day: 5, DailyChurn: 0.02},
			graphsim.ServerOptions{}, day5},
		{"day 5 with churn, signal switches on", graphsim.GenOptions{Users: 1200, Seed: 7, Now: fixedNow.AddDate(0, 0, 5), Day: 5, DailyChurn: 0.02},
			switches, day5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := outputsHash(t, graphsim.Generate(c.gen), c.opts); got != c.want {
				t.Errorf("outputs hash: got %s, want %s", got, c.want)
			}
		})
	}
}

// TestCopilotLeavesOthersAlone: with Copilot on, every user but the
// Copilot holders answers GET /users exactly as without it.
func TestCopilotLeavesOthersAlone(t *testing.T) {
	without := startSim(t, 800, graphsim.ServerOptions{})
	with := serveTenant(t, copilotTenant(800), graphsim.ServerOptions{})
	a, b := listUsers(t, without, without.token()), listUsers(t, with, with.token())
	holders := 0
	for id, u := range b {
		switch {
		case strings.Contains(u, copilotSkuID):
			holders++
		case a[id] != u:
			t.Errorf("user %s: got %s with Copilot on, want %s", id, u, a[id])
		}
	}
	if len(a) != len(b) || holders == 0 {
		t.Errorf("users: got %d with Copilot (%d holders), %d without; want as many, and some holders", len(b), holders, len(a))
	}
}
