package main

import (
	"flag"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/extract/graphsim"
)

func graphsimCmd(g *globals) *cobra.Command {
	o := graphsim.DefaultOptions()
	c := &cobra.Command{
		Use:   "graphsim",
		Short: "Serve the tenant simulator (Entra token endpoint and Graph v1.0 on HTTPS loopback) until interrupted",
		Long: `graphsim generates a deterministic tenant (--users, --seed) and serves the Entra
token endpoints and the Microsoft Graph endpoints seatledger reads over HTTPS on
loopback, with a CA it writes to a file. It prints the authority host, CA file,
tenant id, client id and client secret; point a tenant with cloud: custom at it
and trust the CA with SSL_CERT_FILE. Fault knobs imitate throttling (429 with
Retry-After), 5xx answers, connection resets, truncated bodies, a nextLink loop,
an empty page with a nextLink, expired report links, malformed report rows, a
token endpoint outage, slow pages and concealed report names.

Users' signInActivity and the sign-in logs (GET /auditLogs/signIns) need
AuditLog.Read.All (add it with --permissions) and Entra ID P1/P2 in the tenant
(--no-entra-premium takes it away: 403); both share Graph's throttle of 5
requests per 10 seconds (--signin-throttle, --signin-throttle-window; a
negative --signin-throttle lifts it).

--day D serves the same tenant (same ids and client secret) as it stands D days
after its origin, today minus D days (today follows SEATLEDGER_NOW, a testing
aid), each day applying --daily-churn once: run night after night against it
with a fixed --addr and --ca-dir, SEATLEDGER_NOW and --day moving together.`,
		Example: `  seatledger graphsim --users 5000 --seed 7 --throttle-first 1 --dir ./sim
  SEATLEDGER_NOW=2026-01-31T03:00:00Z seatledger graphsim --users 20000 --seed 7 --day 30 --daily-churn 0.01 --addr 127.0.0.1:8443 --ca-dir ./sim-ca`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := g.logger()
			if err != nil {
				return err
			}
			o.Logger = log.With("component", "graphsim")
			o.Now = g.now()
			return graphsim.Run(cmd.Context(), o, g.stdout)
		},
	}
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	c.Flags().AddGoFlagSet(fs)
	return c
}
