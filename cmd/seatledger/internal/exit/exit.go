// Package exit carries the process exit code a command ends with on its
// error: 1 for a failure (any error without one), 2 for a usage or
// configuration error, 3 for a partial run (some tenants or licence
// changes failed while the others went through).
package exit

import "errors"

// The exit codes of seatledger's commands.
const (
	Failure = 1
	Usage   = 2
	Partial = 3
)

// Error is an error with the exit code it calls for.
type Error struct {
	Code int
	Err  error
}

func (e Error) Error() string { return e.Err.Error() }
func (e Error) Unwrap() error { return e.Err }

// ExitCode is the code the process ends with.
func (e Error) ExitCode() int { return e.Code }

// UsageError marks err as a usage or configuration error (exit 2).
func UsageError(err error) error { return Error{Code: Usage, Err: err} }

// PartialError marks err as a partial run (exit 3).
func PartialError(err error) error { return Error{Code: Partial, Err: err} }

// Code is the exit code for err: 0 for nil, the code the first error in
// its chain with an ExitCode method gives (an Error, or a child process's
// *exec.ExitError, whose code passes through), else 1.
func Code(err error) int {
	if err == nil {
		return 0
	}
	var c interface{ ExitCode() int }
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return Failure
}
