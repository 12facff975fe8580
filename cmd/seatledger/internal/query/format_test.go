package query

import (
	"strings"
	"testing"
	"time"
)

func TestWriters(t *testing.T) {
	cols := []string{"sku", "day", "at", "cost", "plans", "none"}
	rows := [][]any{
		{"SPE_E3", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 31, 3, 4, 5, 0, time.FixedZone("CET", 3600)), 1234.5, []any{"EXO", int64(2)}, nil},
	}
	for _, tt := range []struct{ format, want string }{
		{"table", "sku     day         at                    cost     plans     none\n" +
			"SPE_E3  2026-01-31  2026-01-31T02:04:05Z  1234.50  [EXO, 2]  \n(1 rows)\n"},
		{"csv", "sku,day,at,cost,plans,none\nSPE_E3,2026-01-31,2026-01-31T02:04:05Z,1234.50,\"[EXO, 2]\",\n"},
		{"json", "[\n  {\"sku\": \"SPE_E3\", \"day\": \"2026-01-31T00:00:00Z\", \"at\": \"2026-01-31T03:04:05+01:00\", \"cost\": 1234.5, \"plans\": [\"EXO\",2], \"none\": null}\n]\n"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			var b strings.Builder
			if err := writers[tt.format](&b, cols, rows); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
	t.Run("no rows", func(t *testing.T) {
		var b strings.Builder
		if err := writeJSON(&b, cols, nil); err != nil || b.String() != "[\n]\n" {
			t.Errorf("json: got %q, %v", b.String(), err)
		}
	})
}
