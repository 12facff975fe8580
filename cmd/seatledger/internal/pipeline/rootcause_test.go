package pipeline

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestRootCause(t *testing.T) {
	real := errors.New("token: HTTP 401 invalid_client")
	echo := fmt.Errorf("begin snapshot: %w", context.Canceled)
	cases := []struct {
		name string
		errs []error
		want error
	}{
		{"none", []error{nil, nil}, nil},
		{"the cause after its echo", []error{nil, echo, real}, real},
		{"only echoes", []error{echo, nil}, echo},
		{"first real one", []error{real, echo}, real},
	}
	for _, tc := range cases {
		if got := rootCause(tc.errs...); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
