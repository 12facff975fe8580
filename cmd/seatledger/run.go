package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract/graph"
)

type runOptions struct {
	tenants []string
	shard   string
	timeout time.Duration
}

func runCmd(g *globals) *cobra.Command {
	o := runOptions{}
	c := &cobra.Command{
		Use:   "run",
		Short: "One ETL run now, for all tenants or those named with --tenant",
		Long: `run extracts every configured tenant (or the --tenant ones) from Microsoft Graph,
writes one snapshot per tenant into the warehouse, rebuilds the marts and
writes the workbook. It exits 0 only when every tenant succeeded (a degraded
tenant, whose optional datasets failed, counts as success), 3 when some
tenants failed, 2 for a configuration error and 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRun(cmd.Context(), g, o) },
	}
	c.Flags().StringSliceVar(&o.tenants, "tenant", nil, "run only these tenants (by name; repeat or comma-separate)")
	c.Flags().StringVar(&o.shard, "shard", "", "run only shard K of N (K/N, K from 0 to N-1): tenants are assigned by a hash of their name, "+
		"so each shard's set stays put when tenants are added (one warehouse per shard; e.g. a Kubernetes Indexed Job's $JOB_COMPLETION_INDEX)")
	c.Flags().DurationVar(&o.timeout, "timeout", 2*time.Hour, "time limit of one tenant's extraction (0: none)")
	return c
}

func runRun(ctx context.Context, g *globals, o runOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	cfg, err := g.loadConfig(true)
	if err != nil {
		return err
	}
	selected, err := selectTenants(cfg.Tenants, o.tenants)
	if err != nil {
		return usageErr(err)
	}
	if o.shard != "" {
		if len(o.tenants) > 0 {
			return usageErr(errors.New("--shard and --tenant: give one or the other"))
		}
		sh, err := parseShard(o.shard)
		if err != nil {
			return usageErr(err)
		}
		if selected = sh.tenants(selected); len(selected) == 0 {
			fmt.Fprintf(g.stdout, "shard %s holds no tenant: nothing to run\n", o.shard)
			return nil
		}
		log.Info("running one shard", "shard", o.shard, "tenants", len(selected))
	}
	var tenants []pipeline.Tenant
	for _, t := range selected {
		pt, err := g.graphTenant(ctx, t, log)
		if err != nil {
			return usageErr(err)
		}
		tenants = append(tenants, pt)
	}
	_, err = runPipelineObserved(ctx, g, cfg, tenants, g.now().UTC(), o.timeout, nil)
	return err
}

// stageFunc and stageWorkbook are job's, for serve and bench.
type stageFunc = job.StageFunc

const stageWorkbook = job.StageWorkbook

// runPipelineObserved is the job as demo, run, serve and bench run it:
// job.Run with the configuration's parameter tables, pseudonymizer and
// DuckDB settings, the progress display on stderr and the Parquet export.
// It returns the tenants' results and tells stage, when set, about each
// stage.
func runPipelineObserved(ctx context.Context, g *globals, cfg *config.Config, tenants []pipeline.Tenant, now time.Time, timeout time.Duration, stage stageFunc) ([]pipeline.Result, error) {
	log, err := g.logger()
	if err != nil {
		return nil, err
	}
	params, err := paramTables(cfg)
	if err != nil {
		return nil, usageErr(err)
	}
	pseudo, err := g.pseudonymizer(cfg.Reports)
	if err != nil {
		return nil, usageErr(err)
	}
	return job.Run(ctx, cfg, tenants, now, timeout, job.Options{
		Logger: log, Stdout: g.stdout, Now: g.now, Params: params, Pseudo: pseudo, Tuning: tuning(cfg.Warehouse),
		Progress: func() (func(string, int64), func()) {
			p := newProgress(g.stderr)
			return p.users, p.done
		},
		Parquet: exportParquet, Stage: stage,
	})
}

// selectTenants returns the tenants named in names, all when names is
// empty; an unknown name is an error listing the known ones.
func selectTenants(all []config.Tenant, names []string) ([]config.Tenant, error) {
	if len(all) == 0 {
		return nil, errors.New("tenants: the configuration names no tenant")
	}
	if len(names) == 0 {
		return all, nil
	}
	var out []config.Tenant
	for _, n := range names {
		i := slices.IndexFunc(all, func(t config.Tenant) bool { return t.Name == n })
		if i < 0 {
			known := make([]string, len(all))
			for j, t := range all {
				known[j] = t.Name
			}
			return nil, fmt.Errorf("--tenant %q: no such tenant in the configuration (have %s)", n, strings.Join(known, ", "))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// graphTenant builds the pipeline tenant of one configured tenant, its
// Graph requests counted for the run journal.
func (g *globals) graphTenant(ctx context.Context, t config.Tenant, log *slog.Logger) (pipeline.Tenant, error) {
	counter := newRequestCounter()
	src, err := g.graphClient(ctx, t, log, counter.observe)
	if err != nil {
		return pipeline.Tenant{}, err
	}
	return pipeline.Tenant{Name: t.Name, Source: src, ReportPeriod: t.ReportPeriod, Counter: counter.totals}, nil
}

// graphClient builds the Graph client of one configured tenant. TLS trust
// is the system's (SSL_CERT_FILE works).
func (g *globals) graphClient(ctx context.Context, t config.Tenant, log *slog.Logger, observe func(string, int)) (*graph.Client, error) {
	auth, err := g.graphAuth(t, log)
	if err != nil {
		return nil, err
	}
	src, err := graph.New(ctx, graph.Config{
		TenantID: t.TenantID, ClientID: t.Auth.ClientID, Cloud: t.Cloud,
		AuthorityHost: t.AuthorityHost, GraphEndpoint: t.GraphEndpoint, Auth: auth,
		Observe: observe, Logger: log.With("tenant", t.Name),
	})
	if err != nil {
		return nil, fmt.Errorf("tenant %s: graph client: %w", t.Name, err)
	}
	return src, nil
}

// graphAuth resolves a tenant's credential settings, reading its secret
// or certificate; errors name the variable or file, never the value.
func (g *globals) graphAuth(t config.Tenant, log *slog.Logger) (graph.Auth, error) {
	a := graph.Auth{
		Method: t.Auth.Method, ManagedIdentityClientID: t.Auth.ManagedIdentityClientID,
		FederatedTokenFile: t.Auth.FederatedTokenFile,
	}
	switch t.Auth.Method {
	case graph.AuthClientSecret:
		s, err := t.ResolveSecret(g.getenv, config.SecretFileReader(log))
		if err != nil {
			return a, err
		}
		a.ClientSecret = s.Reveal()
	case graph.AuthClientCertificate:
		pw, err := t.ResolveSecret(g.getenv, nil)
		if err != nil {
			return a, err
		}
		pem, err := os.ReadFile(t.Auth.CertificateFile)
		if err != nil {
			return a, fmt.Errorf("tenant %s: auth.certificate_file: %w", t.Name, err)
		}
		a.CertificatePEM, a.CertificatePassword = pem, pw.Reveal()
	}
	return a, nil
}

// loadConfig reads --config (or $SEATLEDGER_CONFIG). Without either it
// returns the built-in default when required is false, else a usage error.
// Environment overrides (SEATLEDGER_…) apply in both cases.
func (g *globals) loadConfig(required bool) (*config.Config, error) {
	path := g.configPath
	if path == "" {
		path = g.getenv("SEATLEDGER_CONFIG")
	}
	if path == "" {
		if required {
			return nil, usageErr(errors.New("no configuration: pass --config FILE or set SEATLEDGER_CONFIG (see configs/seatledger.example.yml)"))
		}
		cfg := config.Default()
		if err := cfg.ApplyEnv(g.getenv); err != nil {
			return nil, usageErr(fmt.Errorf("environment: %w", err))
		}
		return cfg, nil
	}
	cfg, err := config.Load(path, g.getenv)
	if err != nil {
		return nil, usageErr(err)
	}
	return cfg, nil
}

// warehousePath is flag when set, else the configuration's warehouse
// path, else the default.
func (g *globals) warehousePath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return "", err
	}
	return cfg.Warehouse.Path, nil
}
