package main

import (
	"context"
	"log/slog"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// These forward to the packages that own the logic, for the commands that
// still call them by these names.

func selectTenants(all []config.Tenant, names []string) ([]config.Tenant, error) {
	return tenants.Select(all, names)
}

func (g *globals) graphClient(ctx context.Context, t config.Tenant, log *slog.Logger, observe func(string, int)) (*graph.Client, error) {
	return tenants.Client(ctx, t, g.getenv, log, observe)
}

func paramTables(cfg *config.Config) ([]load.ParamTable, error) { return cfg.ParamTables() }

func tuning(w config.Warehouse) []load.Option { return w.Tuning() }

func (g *globals) pseudonymizer(r config.Reports) (*transform.Pseudonymizer, error) {
	return r.Pseudonymizer(g.getenv)
}

// tuning is the DuckDB settings of an optional configuration: one that
// does not load gives the defaults (its error shows where it is needed).
func (g *globals) tuning() []load.Option {
	cfg, err := g.loadConfig(false)
	if err != nil {
		return nil
	}
	return cfg.Warehouse.Tuning()
}
