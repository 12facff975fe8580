package graph_test

import (
	"context"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graph"
)

// BenchmarkUsersEndToEnd lists 20 pages of 999 users per iteration from
// the in-test Graph imitation over TLS, through the credential, the SDK
// adapter and pipeline, decoding and the callback: the users/s the
// product depends on (>= 50k).
func BenchmarkUsersEndToEnd(b *testing.B) {
	const pages, perPage = 20, 999
	f := graphtest.New(b)
	body := make([][]byte, pages+1)
	for i := 1; i <= pages; i++ {
		next := ""
		if i < pages {
			next = f.URL() + "/v1.0/users?$skiptoken=" + strconv.Itoa(i+1)
		}
		body[i] = graph.UsersPage(perPage, next)
	}
	f.Hook = func(p string, _ int, w http.ResponseWriter, r *http.Request) bool {
		n, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body[max(n, 1)])
		return true
	}
	c, err := graph.New(context.Background(), graph.Config{
		TenantID: graphtest.TenantID, ClientID: graphtest.ClientID, Cloud: "custom", AuthorityHost: f.URL(), GraphEndpoint: f.URL(),
		Auth: graph.Auth{Method: graph.AuthClientSecret, ClientSecret: graphtest.ClientSecret}, RootCAs: f.Roots,
	})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	b.ReportAllocs()
	start := time.Now()
	users := 0
	for b.Loop() {
		err := c.Users(context.Background(), func(p []extractUser) error {
			users += len(p)
			return nil
		})
		if err != nil {
			b.Fatalf("Users: %v", err)
		}
	}
	if want := pages * perPage * b.N; users != want {
		b.Fatalf("got %d users, want %d", users, want)
	}
	b.ReportMetric(float64(users)/time.Since(start).Seconds(), "users/s")
}
