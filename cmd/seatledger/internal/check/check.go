// Package check reports, per tenant, whether seatledger can read it: a
// token from the configured credential, the application permissions
// granted against those seatledger needs, whether the usage report
// conceals user names, and the clock skew to the identity platform.
package check

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
)

// permissions are the application permissions a run needs, each with the
// broader permissions that also grant it.
var permissions = []struct {
	name     string
	for_     string
	implied  []string
	optional bool
	missing  string // optional only: what a missing grant means
}{
	{"User.Read.All", "users and their licences", []string{"User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, false, ""},
	{"Organization.Read.All", "subscribedSkus and directory/subscriptions", []string{"Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, false, ""},
	{"Reports.Read.All", "the usage reports", nil, false, ""},
	{"ReportSettings.Read.All", "the report concealment setting", []string{"ReportSettings.ReadWrite.All"}, false, ""},
	{"GroupMember.Read.All", "names of licensing groups", []string{"Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, true, "names of licensing groups will be empty"},
	{"LicenseAssignment.ReadWrite.All", "licence changes by reclaim, assign and plans (apply and undo)", []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}, true, "needed only for reclaim, assign and plans with --apply"},
	{"User.ReadWrite.All", "setting usageLocation before assign gives a user without one a licence", []string{"Directory.ReadWrite.All"}, true, "assign cannot fill in a missing usage location"},
	{"GroupMember.ReadWrite.All", "taking users out of licensing groups (reclaim apply --group-membership) and putting them back (undo)", []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}, true, "needed only for reclaim apply --group-membership"},
}

// signalNeeds are, per usage-signal dataset (tenants[].signals), what it
// reads and the permission that grants it. A signal is optional: without
// its permission a report's run is degraded and the signal ignored; a
// sign-in dataset (which also needs Entra ID P1/P2 in the tenant, which no
// token shows) is ignored with a finding, the run not degraded.
var signalNeeds = map[string]struct{ what, permission string }{
	extract.SignalCopilotUsage:   {"Microsoft 365 Copilot usage report", "Reports.Read.All"},
	extract.SignalAppsUsage:      {"Microsoft 365 Apps usage report", "Reports.Read.All"},
	extract.SignalActivations:    {"Office activations report", "Reports.Read.All"},
	extract.SignalMailboxUsage:   {"mailbox usage report", "Reports.Read.All"},
	extract.SignalSignInActivity: {"users' signInActivity", "AuditLog.Read.All"},
	extract.SignalPowerBISignIns: {"Power BI sign-ins from the Entra sign-in logs", "AuditLog.Read.All"},
}

// checkSignals prints, for each configured signal dataset, whether the
// token grants what it reads; a missing grant is a warning.
func checkSignals(out io.Writer, roles, signals []string) {
	for _, name := range signals {
		need, ok := signalNeeds[name]
		if !ok {
			continue // config validation refuses unknown names
		}
		signIn, premium := extract.IsSignIn(name), ""
		if signIn {
			premium = "; the tenant also needs Entra ID P1 or P2"
		}
		switch {
		case slices.Contains(roles, need.permission):
			fmt.Fprintf(out, "  ok    signal %s: %s (%s%s)\n", name, need.what, need.permission, premium)
		case signIn:
			fmt.Fprintf(out, "  warn  signal %s: %s needs %s%s; without them the signal is ignored and each run records a finding\n",
				name, need.what, need.permission, premium)
		default:
			fmt.Fprintf(out, "  warn  signal %s: %s needs %s; without it each run is degraded and the signal ignored\n", name, need.what, need.permission)
		}
	}
}

// maxSkew is the clock difference from the identity platform that check
// reports: tokens are refused beyond about five minutes.
const maxSkew = 2 * time.Minute

// Client is what check asks of a tenant's Graph client.
type Client interface {
	Token(ctx context.Context) (graph.TokenInfo, error)
	ReportSettings(ctx context.Context) (extract.ReportSettings, error)
}

// Connect builds the client of one configured tenant.
type Connect func(ctx context.Context, t config.Tenant) (Client, error)

// Tenants prints every tenant's checks to out and fails when one of them
// did.
func Tenants(ctx context.Context, out io.Writer, tenants []config.Tenant, connect Connect) error {
	failed := 0
	for _, t := range tenants {
		if !tenant(ctx, out, t, connect) {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("check: %d of %d tenants failed", failed, len(tenants))
	}
	return nil
}

// tenant prints one tenant's checks and reports whether all passed.
func tenant(ctx context.Context, out io.Writer, t config.Tenant, connect Connect) bool {
	fmt.Fprintf(out, "tenant %s (%s, cloud %s, auth %s):\n", t.Name, t.TenantID, t.Cloud, t.Auth.Method)
	client, err := connect(ctx, t)
	if err != nil {
		return fail(out, "credential", err)
	}
	tok, err := client.Token(ctx)
	if err != nil {
		return fail(out, "token", err)
	}
	fmt.Fprintf(out, "  ok    token: app %s, expires %s\n", tok.AppID, tok.ExpiresOn.Format(time.RFC3339))
	ok := checkRoles(out, tok.Roles)
	checkSignals(out, tok.Roles, t.Signals)
	if !tok.IssuedAt.IsZero() {
		skew := time.Since(tok.IssuedAt).Round(time.Second)
		if skew > maxSkew || skew < -maxSkew {
			ok = fail(out, "clock", fmt.Errorf("local clock differs from the identity platform by %s: sync it (NTP)", skew))
		} else {
			fmt.Fprintf(out, "  ok    clock: within %s of the identity platform\n", maxSkew)
		}
	}
	settings, err := client.ReportSettings(ctx)
	switch {
	case err != nil:
		ok = fail(out, "report settings", err)
	case settings.DisplayConcealedNames:
		ok = fail(out, "report concealment", fmt.Errorf("usage reports conceal user names, so no licence can be matched to its activity: "+
			"in the Microsoft 365 admin center, Settings > Org settings > Reports, clear \"Display concealed user, group, and site names in all reports\""))
	default:
		fmt.Fprintln(out, "  ok    report concealment: user names are shown")
	}
	return ok
}

// checkRoles prints each needed permission and whether the token grants
// it, directly or through a broader one.
func checkRoles(out io.Writer, roles []string) bool {
	ok := true
	for _, p := range permissions {
		granted := slices.Contains(roles, p.name)
		for _, alt := range p.implied {
			granted = granted || slices.Contains(roles, alt)
		}
		switch {
		case granted:
			fmt.Fprintf(out, "  ok    permission %s (%s)\n", p.name, p.for_)
		case p.optional:
			fmt.Fprintf(out, "  warn  permission %s missing: %s\n", p.name, p.missing)
		default:
			ok = fail(out, "permission "+p.name, fmt.Errorf("missing (needed for %s): grant the application permission and admin consent", p.for_))
		}
	}
	if len(roles) > 0 {
		fmt.Fprintf(out, "        granted: %s\n", strings.Join(roles, ", "))
	}
	return ok
}

func fail(out io.Writer, what string, err error) bool {
	fmt.Fprintf(out, "  FAIL  %s: %v\n", what, err)
	return false
}
