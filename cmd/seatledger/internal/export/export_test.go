package export_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/export"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

func TestMask(t *testing.T) {
	if m := export.Mask(nil); m != nil {
		t.Errorf("without a pseudonymizer: got %d masks, want none", len(m))
	}
	p, err := transform.NewPseudonymizer([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	m := export.Mask(p)
	for col, kind := range transform.PersonalColumns {
		if got, want := m[col]("ada@contoso.com"), p.Pseudonym(kind, "ada@contoso.com"); got != want || got == "ada@contoso.com" {
			t.Errorf("%s: got %q, want %q", col, got, want)
		}
	}
	if len(m) != len(transform.PersonalColumns) {
		t.Errorf("got %d masks, want one per personal column (%d)", len(m), len(transform.PersonalColumns))
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := load.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "lake")
	for _, tt := range []struct {
		name string
		o    export.Options
		want string // in the output, or in the error
		err  bool
	}{
		{"csv", export.Options{Warehouse: path, Dir: dir, Format: "csv"}, "export:    " + dir + " (csv, tenant=…/snapshot_date=…)", false},
		{"a bad format", export.Options{Warehouse: path, Dir: dir, Format: "xlsx"}, `--format: must be parquet or csv, got "xlsx"`, true},
		{"no warehouse", export.Options{Warehouse: filepath.Join(t.TempDir(), "none.duckdb"), Dir: dir, Format: "csv"}, "open warehouse", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := export.Run(ctx, &out, tt.o)
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, want an error with %q", err, tt.want)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("got %q, %v; want %q", out.String(), err, tt.want)
			}
			lines := strings.Split(out.String(), "\n")
			if got := strings.Join(strings.Fields(lines[0]), " "); got != "relation written unchanged removed rows written" {
				t.Errorf("header: got %q", got)
			}
			for i, name := range load.ExportTableNames() { // an empty warehouse: nothing to write
				if got := strings.Join(strings.Fields(lines[i+1]), " "); got != name+" 0 0 0 0" {
					t.Errorf("line %d: got %q, want %s with nothing written", i+1, got, name)
				}
			}
		})
	}
}
