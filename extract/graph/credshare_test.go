package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// slowCredential counts acquisitions; each blocks until release closes.
type slowCredential struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
	err     error
}

func (c *slowCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if c.calls.Add(1) == 1 {
		close(c.started)
	}
	select {
	case <-c.release:
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// waitJoiners waits until n callers share the acquisition in flight.
func waitJoiners(s *sharedCredential, opts policy.TokenRequestOptions, n int) {
	for {
		s.mu.Lock()
		f := s.busy[flightKey(opts)]
		joined := f != nil && f.joiners >= n
		s.mu.Unlock()
		if joined {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSharedCredential: callers that arrive while a token is being
// acquired share that acquisition and its outcome; later callers start
// their own.
func TestSharedCredential(t *testing.T) {
	outage := errors.New("identity platform unavailable")
	tests := []struct {
		name    string
		err     error
		callers int
	}{
		{"success", nil, 4},
		{"failure", outage, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &slowCredential{started: make(chan struct{}), release: make(chan struct{}), err: tt.err}
			cred := newSharedCredential(inner)
			opts := policy.TokenRequestOptions{Scopes: []string{"https://graph/.default"}}
			errs := make([]error, tt.callers)
			var wg sync.WaitGroup
			for i := range tt.callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i > 0 {
						<-inner.started
					}
					_, errs[i] = cred.GetToken(context.Background(), opts)
				}()
			}
			<-inner.started
			waitJoiners(cred, opts, tt.callers-1)
			close(inner.release)
			wg.Wait()
			if got := inner.calls.Load(); got != 1 {
				t.Errorf("acquisitions for %d concurrent callers: got %d, want 1", tt.callers, got)
			}
			for i, err := range errs {
				if !errors.Is(err, tt.err) {
					t.Errorf("caller %d: got %v, want %v", i, err, tt.err)
				}
			}
			if _, err := cred.GetToken(context.Background(), opts); !errors.Is(err, tt.err) || inner.calls.Load() != 2 {
				t.Errorf("a later caller: got %v after %d acquisitions, want %v after 2", err, inner.calls.Load(), tt.err)
			}
		})
	}
}

// TestSharedCredentialCancelledLeader: a joiner whose own context is
// alive does not inherit the first caller's cancellation.
func TestSharedCredentialCancelledLeader(t *testing.T) {
	inner := &slowCredential{started: make(chan struct{}), release: make(chan struct{})}
	cred := newSharedCredential(inner)
	opts := policy.TokenRequestOptions{Scopes: []string{"s"}}
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() { _, err := cred.GetToken(ctx, opts); leader <- err }()
	<-inner.started
	joiner := make(chan error, 1)
	go func() { _, err := cred.GetToken(context.Background(), opts); joiner <- err }()
	waitJoiners(cred, opts, 1)
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: got %v, want context.Canceled", err)
	}
	close(inner.release)
	if err := <-joiner; err != nil {
		t.Errorf("joiner: got %v, want a token from its own acquisition", err)
	}
}
