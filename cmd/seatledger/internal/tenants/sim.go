package tenants

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// SimClient builds a Graph client of the tenant simulator srv through the
// real credential (srv's client secret), trusting srv's CA; observe, when
// not nil, is told about every HTTP attempt.
func SimClient(ctx context.Context, srv *graphsim.Server, log *slog.Logger, observe func(endpoint string, status int)) (*graph.Client, error) {
	c, err := graph.New(ctx, graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(),
		Cloud: "custom", AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth:    graph.Auth{Method: graph.AuthClientSecret, ClientSecret: srv.ClientSecret()},
		RootCAs: srv.CertPool(), Observe: observe, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("graph client: %w", err)
	}
	return c, nil
}
