package graph_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestBenchSDKReadUsers: the bench's yardstick, the documented msgraph-sdk-go
// read (Users().Get and a PageIterator), sees every user of the simulated
// tenant across several 999-user pages over HTTPS with the real
// credential, as many as the extractor's own Users.
func TestBenchSDKReadUsers(t *testing.T) {
	const users = 2100 // three pages
	srv, c := startSim(t, users, graphsim.ServerOptions{}, nil)
	ctx := context.Background()
	got, err := c.SDKReadUsers(ctx)
	if err != nil {
		t.Fatalf("SDKReadUsers: %v", err)
	}
	if got != users {
		t.Errorf("SDKReadUsers: got %d users, want %d", got, users)
	}
	if pages := srv.Stats().Count("users", http.StatusOK); pages != 3 {
		t.Errorf("users pages served: got %d, want 3 ($top=999)", pages)
	}
	extracted := 0
	if err := c.Users(ctx, func(p []extract.User) error { extracted += len(p); return nil }); err != nil {
		t.Fatalf("Users: %v", err)
	}
	if extracted != got {
		t.Errorf("Users: got %d, want %d as the SDK read", extracted, got)
	}
}

// TestBenchSDKReadUsersRefused: a token the tenant refuses is an error, not a
// count of zero.
func TestBenchSDKReadUsersRefused(t *testing.T) {
	srv, c := startSim(t, 10, graphsim.ServerOptions{}, nil)
	srv.SetClientSecret("rotated")
	if n, err := c.SDKReadUsers(context.Background()); err == nil {
		t.Errorf("SDKReadUsers with a rotated secret: got %d users and no error, want an error", n)
	}
}
