// Package clock is the business clock of a seatledger process: the "now"
// that dates a snapshot, stamps a run, a plan or an undo file, and that
// serve's staleness checks compare against.
//
// It is a testing aid. With the environment variable SEATLEDGER_NOW set to
// an RFC 3339 time, the clock starts at that instant and advances with the
// real elapsed time (an offset clock, so a long-running serve still
// ticks), which lets a script run night after night of a simulated tenant
// in minutes:
//
//	SEATLEDGER_NOW=2026-01-02T03:00:00Z seatledger run --config cfg.yml
//
// Unset (or empty), the clock is the real one. A malformed value is an
// error that names the variable: a command never falls back to the real
// time silently. Durations, timeouts, TLS and tokens keep the real clock;
// only business dates follow this one.
package clock

import (
	"fmt"
	"time"
)

// Env is the environment variable that sets the clock.
const Env = "SEATLEDGER_NOW"

// Clock tells the business time. The zero value is the real clock.
type Clock struct {
	at    time.Time // the instant SEATLEDGER_NOW named; zero: the real clock
	start time.Time // the real time the clock started at (monotonic)
}

// FromEnv returns the clock SEATLEDGER_NOW sets, read through getenv:
// the real clock when it is unset or empty, an offset clock starting now
// at its instant otherwise, an error naming the variable and the value
// when it is not an RFC 3339 time.
func FromEnv(getenv func(string) string) (Clock, error) {
	v := getenv(Env)
	if v == "" {
		return Clock{}, nil
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return Clock{}, fmt.Errorf("%s: must be an RFC 3339 time such as 2026-01-31T03:00:00Z, got %q", Env, v)
	}
	return At(at), nil
}

// At returns a clock that reads at now and advances with real time.
func At(at time.Time) Clock {
	return Clock{at: at, start: time.Now()}
}

// Now returns the business time: the real time, or the offset clock's
// instant plus the real time elapsed since it started.
func (c Clock) Now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at.Add(time.Since(c.start))
}

// Shifted reports whether the clock is an offset clock (SEATLEDGER_NOW
// set) rather than the real one.
func (c Clock) Shifted() bool { return !c.at.IsZero() }
