package graph

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// sharedCredential lets concurrent GetToken calls for the same request
// share one acquisition. azidentity serialises acquisitions and retries
// each one (about 8 s against an identity platform answering 503), so
// without sharing, the datasets a run fetches at once would each wait
// out their own retries in turn: a token outage cost four times as long
// before the tenant failed. A caller arriving after an acquisition ended
// starts a new one (azidentity answers from its cache once one succeeded).
type sharedCredential struct {
	cred azcore.TokenCredential
	mu   sync.Mutex
	busy map[string]*tokenFlight
}

// tokenFlight is one acquisition in progress; done closes when tok and
// err are set.
type tokenFlight struct {
	done    chan struct{}
	tok     azcore.AccessToken
	err     error
	joiners int // callers sharing it, guarded by sharedCredential.mu
}

func newSharedCredential(cred azcore.TokenCredential) *sharedCredential {
	return &sharedCredential{cred: cred, busy: map[string]*tokenFlight{}}
}

// GetToken implements azcore.TokenCredential.
func (s *sharedCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	key := flightKey(opts)
	s.mu.Lock()
	f, joined := s.busy[key]
	if joined {
		f.joiners++
	} else {
		f = &tokenFlight{done: make(chan struct{})}
		s.busy[key] = f
	}
	s.mu.Unlock()
	if !joined {
		// Classified once here: the identity platform's error body can
		// only be read once, and every caller shares this error.
		f.tok, f.err = s.cred.GetToken(ctx, opts)
		if f.err != nil {
			f.err = classifyTokenError(f.err)
		}
		s.mu.Lock()
		delete(s.busy, key)
		s.mu.Unlock()
		close(f.done)
		return f.tok, f.err
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
	// The first caller's context ended its acquisition, not ours: try again.
	if ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
		return s.GetToken(ctx, opts)
	}
	return f.tok, f.err
}

func flightKey(opts policy.TokenRequestOptions) string {
	return strings.Join(opts.Scopes, " ") + "\x00" + opts.TenantID + "\x00" + opts.Claims
}
