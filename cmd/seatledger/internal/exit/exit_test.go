package exit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
)

func TestCode(t *testing.T) {
	base := errors.New("boom")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"no error", nil, 0},
		{"plain error", base, exit.Failure},
		{"usage", exit.UsageError(base), exit.Usage},
		{"partial", exit.PartialError(base), exit.Partial},
		{"usage, wrapped", fmt.Errorf("run: %w", exit.UsageError(base)), exit.Usage},
		{"partial, joined", errors.Join(errors.New("other"), exit.PartialError(base)), exit.Partial},
		{"a child's exit code", fmt.Errorf("child process: %w", childExit(4)), 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exit.Code(tc.err); got != tc.want {
				t.Errorf("Code(%v): got %d, want %d", tc.err, got, tc.want)
			}
			if (tc.want == exit.Usage || tc.want == exit.Partial) && !errors.Is(tc.err, base) {
				t.Errorf("%v: the wrapped error is lost", tc.err)
			}
		})
	}
	if got := exit.UsageError(base).Error(); got != "boom" {
		t.Errorf("message: got %q, want the wrapped error's", got)
	}
}

// childExit is an error with an exit code of its own, as a child
// process's *exec.ExitError is.
type childExit int

func (c childExit) Error() string { return fmt.Sprintf("exit status %d", int(c)) }
func (c childExit) ExitCode() int { return int(c) }
