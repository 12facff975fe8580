// Package tenants turns the configured Microsoft 365 tenants into what a
// run extracts: the tenants a command selects (by name or by shard), their
// Graph clients with the credentials resolved, and the pipeline tenants
// whose Graph requests are counted for the run journal.
package tenants

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract/graph"
)

// Select returns the tenants named in names, all when names is empty; an
// unknown name is an error listing the known ones.
func Select(all []config.Tenant, names []string) ([]config.Tenant, error) {
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

// ForRun returns the tenants a run extracts: those named in names (all
// when it is empty), or with shard "K/N" (see ParseShard) the tenants of
// shard K, which may be none. Naming tenants and a shard is an error.
func ForRun(all []config.Tenant, names []string, shard string) ([]config.Tenant, error) {
	selected, err := Select(all, names)
	if err != nil || shard == "" {
		return selected, err
	}
	if len(names) > 0 {
		return nil, errors.New("--shard and --tenant: give one or the other")
	}
	sh, err := ParseShard(shard)
	if err != nil {
		return nil, err
	}
	return sh.Tenants(selected), nil
}

// Pipeline builds the pipeline tenants of ts, in their order: fresh Graph
// clients whose requests are counted for the run journal and, when observe
// is not nil, also passed to observe (serve's Prometheus counters).
// Secrets are read through getenv.
func Pipeline(ctx context.Context, ts []config.Tenant, getenv func(string) string, log *slog.Logger, observe func(endpoint string, status int)) ([]pipeline.Tenant, error) {
	out := make([]pipeline.Tenant, 0, len(ts))
	for _, t := range ts {
		counter := NewRequestCounter()
		if observe != nil {
			counter.ForwardTo(observe)
		}
		src, err := Client(ctx, t, getenv, log, counter.Observe)
		if err != nil {
			return nil, err
		}
		out = append(out, pipeline.Tenant{Name: t.Name, Source: src, ReportPeriod: t.ReportPeriod, Signals: t.Signals, Counter: counter.Totals})
	}
	return out, nil
}

// Client builds the Graph client of one configured tenant, its secret or
// certificate password read through getenv; observe, when not nil, is
// told about every HTTP attempt. TLS trust is the system's (SSL_CERT_FILE
// works).
func Client(ctx context.Context, t config.Tenant, getenv func(string) string, log *slog.Logger, observe func(endpoint string, status int)) (*graph.Client, error) {
	auth, err := credentials(t, getenv, log)
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

// credentials resolves a tenant's credential settings, reading its secret
// or certificate; errors name the variable or file, never the value.
func credentials(t config.Tenant, getenv func(string) string, log *slog.Logger) (graph.Auth, error) {
	a := graph.Auth{
		Method: t.Auth.Method, ManagedIdentityClientID: t.Auth.ManagedIdentityClientID,
		FederatedTokenFile: t.Auth.FederatedTokenFile,
	}
	switch t.Auth.Method {
	case graph.AuthClientSecret:
		s, err := t.ResolveSecret(getenv, config.SecretFileReader(log))
		if err != nil {
			return a, err
		}
		a.ClientSecret = s.Reveal()
	case graph.AuthClientCertificate:
		pw, err := t.ResolveSecret(getenv, nil)
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
