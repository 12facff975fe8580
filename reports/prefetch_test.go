package reports

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestPrefetch: rows arrive in order and intact although the source reuses
// its slice, and an error on either side ends both sides with that error.
func TestPrefetch(t *testing.T) {
	errSource, errSink := errors.New("source failed"), errors.New("sink failed")
	source := func(n int, failAt int) func(func([]any) error) error {
		return func(yield func([]any) error) error {
			vals := make([]any, 2) // reused for every row, as database rows are
			for i := range n {
				if i == failAt {
					return errSource
				}
				vals[0], vals[1] = i, fmt.Sprint("row ", i)
				if err := yield(vals); err != nil {
					return err
				}
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name          string
		rows, failAt  int
		sinkFailsAt   int
		want          error
		wantDelivered int
	}{
		{"none", 0, -1, -1, nil, 0},
		{"less than a batch", 7, -1, -1, nil, 7},
		{"exactly a batch", prefetchBatch, -1, -1, nil, prefetchBatch},
		{"many batches", 10*prefetchBatch + 3, -1, -1, nil, 10*prefetchBatch + 3},
		{"source fails", 5 * prefetchBatch, 3*prefetchBatch + 1, -1, errSource, 3 * prefetchBatch},
		{"sink fails", 50 * prefetchBatch, -1, 2*prefetchBatch + 5, errSink, 2*prefetchBatch + 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := 0
			err := prefetch(context.Background(), source(tc.rows, tc.failAt), func(vals []any) error {
				if got == tc.sinkFailsAt {
					return errSink
				}
				if vals[0] != got || vals[1] != fmt.Sprint("row ", got) {
					return fmt.Errorf("row %d arrived as %v", got, vals)
				}
				got++
				return nil
			})
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("prefetch: %v, want %v", err, tc.want)
			}
			if got != tc.wantDelivered {
				t.Errorf("delivered %d rows, want %d", got, tc.wantDelivered)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := prefetch(ctx, source(100*prefetchBatch, -1), func([]any) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("prefetch after cancel: %v, want context.Canceled", err)
		}
	})
}
