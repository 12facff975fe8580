package graph

import "time"

// SetRetryBase shortens the retry backoff for a test and returns the
// restore function.
func SetRetryBase(d time.Duration) (restore func()) {
	old := retryBase
	retryBase = d
	return func() { retryBase = old }
}

// UsersPage is a page of n users in Graph's JSON shape with nextLink next.
var UsersPage = usersPage

// WithoutURL is withoutURL, for tests.
var WithoutURL = withoutURL
