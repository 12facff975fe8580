package extract

import (
	"context"
	"errors"
)

// ErrDeltaExpired means the source refused a users delta link (Graph
// answers 410 Gone or syncStateNotFound once a link is older than seven
// days or its sync state is lost): the users must be read in full again.
// extract/graph returns it as graph.ErrDeltaExpired, the same value.
var ErrDeltaExpired = errors.New("users delta link refused: a full synchronisation is needed")

// DeltaSource is implemented by sources that can also read users
// incrementally (GET /users/delta). It is optional: callers check for it
// with a type assertion on their Source.
type DeltaSource interface {
	// UsersDelta calls page with the users changed or added and the ids
	// removed since deltaLink was issued (every user when deltaLink is
	// empty), and returns the link of the next round. A refused link is an
	// error matching ErrDeltaExpired. page must not keep the slices.
	UsersDelta(ctx context.Context, deltaLink string, page func(changed []User, removed []string) error) (string, error)
	// UsersDeltaLatest returns a delta link from now, reading no user.
	UsersDeltaLatest(ctx context.Context) (string, error)
}
