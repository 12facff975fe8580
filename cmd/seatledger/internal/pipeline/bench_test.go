package pipeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// BenchmarkRun100k runs the whole pipeline (extract through the real
// credential and Graph SDK client against the simulator over HTTPS, load
// into a fresh DuckDB file, transforms) for a 100k-user tenant at zero
// latency, and reports users/s. seatledger bench prints the same with
// floors, targets and peak memory.
func BenchmarkRun100k(b *testing.B) {
	benchmarkRun(b, 100_000, 0)
}

func benchmarkRun(b *testing.B, users int, latency time.Duration) {
	tenant := graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 1, Now: time.Now().UTC()})
	srv, err := graphsim.NewServer(tenant, graphsim.ServerOptions{Dir: b.TempDir(), Latency: latency, Seed: 1})
	if err != nil {
		b.Fatalf("NewServer: %v", err)
	}
	if err := srv.Start(); err != nil {
		b.Fatalf("Start: %v", err)
	}
	b.Cleanup(func() { srv.Close() })
	src, err := graph.New(context.Background(), graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(), Cloud: "custom", AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth: graph.Auth{Method: graph.AuthClientSecret, ClientSecret: srv.ClientSecret()}, RootCAs: srv.CertPool(),
	})
	if err != nil {
		b.Fatalf("graph.New: %v", err)
	}
	params := params(b)
	var loaded int64
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		w := mustOpen(b)
		b.StartTimer()
		start := time.Now()
		results, err := pipeline.Run(context.Background(), w, []pipeline.Tenant{{Name: "bench", Source: src}}, pipeline.Options{Params: params})
		elapsed += time.Since(start)
		if err != nil {
			b.Fatalf("Run: %v", err)
		}
		loaded += results[0].Counts.Users
	}
	if want := int64(users) * int64(b.N); loaded != want {
		b.Fatalf("loaded %d users, want %d", loaded, want)
	}
	b.ReportMetric(float64(loaded)/elapsed.Seconds(), "users/s")
}
