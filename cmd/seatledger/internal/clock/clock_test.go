package clock_test

import (
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/clock"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    time.Time // zero: the real clock
		wantErr bool
	}{
		{"unset", "", time.Time{}, false},
		{"utc", "2026-01-02T03:00:00Z", time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), false},
		{"offset zone", "2026-01-02T05:00:00+02:00", time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), false},
		{"fractional seconds", "2026-01-02T03:00:00.250Z", time.Date(2026, 1, 2, 3, 0, 0, 250e6, time.UTC), false},
		{"date only", "2026-01-02", time.Time{}, true},
		{"no zone", "2026-01-02T03:00:00", time.Time{}, true},
		{"space separator", "2026-01-02 03:00:00Z", time.Time{}, true},
		{"unix seconds", "1767322800", time.Time{}, true},
		{"words", "tomorrow", time.Time{}, true},
		{"trailing newline", "2026-01-02T03:00:00Z\n", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) string {
				if k == clock.Env {
					return tt.value
				}
				return ""
			}
			before := time.Now()
			c, err := clock.FromEnv(env)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("FromEnv(%q): got no error, want one", tt.value)
				}
				for _, want := range []string{"SEATLEDGER_NOW", tt.value} {
					if !strings.Contains(err.Error(), strings.TrimSpace(want)) {
						t.Errorf("error: got %q, want it to name %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv(%q): %v", tt.value, err)
			}
			got := c.Now()
			if c.Shifted() != !tt.want.IsZero() {
				t.Errorf("Shifted: got %v, want %v", c.Shifted(), !tt.want.IsZero())
			}
			start := tt.want
			if start.IsZero() {
				start = before // the real clock
			}
			if got.Before(start) || got.Sub(start) > time.Minute {
				t.Errorf("Now: got %s, want %s or just after", got, start)
			}
		})
	}
}

func TestOffsetClockAdvances(t *testing.T) {
	at := time.Date(2030, 6, 1, 3, 0, 0, 0, time.UTC)
	c := clock.At(at)
	first := c.Now()
	time.Sleep(5 * time.Millisecond)
	second := c.Now()
	if !second.After(first) {
		t.Errorf("Now did not advance: got %s then %s", first, second)
	}
	if d := second.Sub(at); d < 5*time.Millisecond || d > time.Minute {
		t.Errorf("elapsed since %s: got %s, want the real time elapsed (5ms or a little more)", at, d)
	}
}

func TestZeroClockIsReal(t *testing.T) {
	var c clock.Clock
	before := time.Now()
	got := c.Now()
	if c.Shifted() || got.Before(before) || got.Sub(before) > time.Minute {
		t.Errorf("zero Clock: got %s (shifted %v), want the real time %s", got, c.Shifted(), before)
	}
}
