package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/check"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
)

func checkCmd(g *globals) *cobra.Command {
	var tenants []string
	var offline bool
	c := &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration, then per tenant: token, Graph permissions, report concealment, clock skew",
		Long: `check reports every configuration problem at once, each named by its dotted
path. Then, for every tenant (or the --tenant ones), it acquires a token with
the configured credential and reports the application permissions granted
against those seatledger needs, whether the usage report conceals user names,
and the clock skew to the identity platform. It exits 0 when every check
passed, 2 for configuration problems and 1 when a tenant check failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCheck(cmd.Context(), g, tenants, offline) },
	}
	c.Flags().StringSliceVar(&tenants, "tenant", nil, "check only these tenants (by name)")
	c.Flags().BoolVar(&offline, "offline", false, "validate the configuration only; contact nobody")
	return c
}

func runCheck(ctx context.Context, g *globals, names []string, offline bool) error {
	log, cfg, err := g.setup(true)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "configuration: ok (%d tenants, %d prices)\n", len(cfg.Tenants), len(cfg.Pricing.Prices))
	if _, err := cfg.ParamTables(); err != nil {
		return exit.UsageError(err)
	}
	if offline {
		return nil
	}
	selected, err := tenants.Select(cfg.Tenants, names)
	if err != nil {
		return exit.UsageError(err)
	}
	return check.Tenants(ctx, g.stdout, selected, func(ctx context.Context, t config.Tenant) (check.Client, error) {
		c, err := tenants.Client(ctx, t, g.getenv, log, nil)
		if err != nil {
			return nil, err
		}
		return c, nil
	})
}
