package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestPartitionsPerCopy(t *testing.T) {
	for _, tc := range []struct {
		limit   string
		threads int
		want    int
	}{
		{"256MB", 2, 244},
		{"256MB", 8, 61},
		{"1GiB", 2, 1024},
		{"512 MB", 1, 976},
		{"64MB", 16, 16},  // floor
		{"1TB", 1, 4096},  // ceiling
		{"lots", 2, 244},  // unparsable: the default limit
		{"256MB", 0, 488}, // threads below 1 count as 1
	} {
		if got := partitionsPerCopy(tc.limit, tc.threads); got != tc.want {
			t.Errorf("partitionsPerCopy(%q, %d): got %d, want %d", tc.limit, tc.threads, got, tc.want)
		}
	}
}

// TestCountRowsCSV: a partition's CSV rows are counted without its header
// row: none, one and several, also a row that reads like the header.
func TestCountRowsCSV(t *testing.T) {
	w, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	conn, err := w.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	e := &exporter{conn: conn, ext: "csv"}
	for body, want := range map[string]int64{
		"user_id,sku_part_number\n":               0,
		"user_id,sku_part_number\nu-1,SPE_E3\n":   1,
		"user_id,sku_part_number\nu-1,a\nu-2,b\n": 2,
		"user_id\n":      0,
		"user_id\nu-1\n": 1,
		"note\nnote\n":   1,
	} {
		file := filepath.Join(t.TempDir(), "data_0.csv")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := e.countRows(context.Background(), file); err != nil || got != want {
			t.Errorf("%q: got %d rows (%v), want %d", body, got, err, want)
		}
	}
}
