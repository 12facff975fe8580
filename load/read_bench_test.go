package load_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// TestStorage reads the storage of a warehouse with two tenants' snapshots
// back: the file's blocks, and every table by name with its rows and blocks.
func TestStorage(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	s, err := w.Storage(context.Background())
	if err != nil {
		t.Fatalf("Storage: %v", err)
	}
	if s.DatabaseSize == "" || s.WALSize == "" || s.BlockSize <= 0 {
		t.Errorf("sizes: got database %q, WAL %q, block %d bytes; want all set", s.DatabaseSize, s.WALSize, s.BlockSize)
	}
	if s.UsedBlocks <= 0 || s.UsedBlocks+s.FreeBlocks != s.TotalBlocks {
		t.Errorf("blocks: got %d used + %d free of %d; want some used, adding up", s.UsedBlocks, s.FreeBlocks, s.TotalBlocks)
	}
	if !slices.IsSortedFunc(s.Tables, func(a, b load.TableStorage) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("tables not by name: %v", s.Tables)
	}
	var blocks int64
	for _, tb := range s.Tables {
		blocks += tb.Blocks
	}
	if blocks <= 0 || blocks > s.UsedBlocks {
		t.Errorf("tables' blocks: got %d in all, want between 1 and the %d used", blocks, s.UsedBlocks)
	}
	i := slices.IndexFunc(s.Tables, func(tb load.TableStorage) bool { return tb.Name == "main.raw_users_versions" })
	if i < 0 {
		t.Fatalf("no main.raw_users_versions among %v", s.Tables)
	}
	if want := scalar(t, w, "SELECT count(*) FROM raw_users_versions"); s.Tables[i].Rows != want || s.Tables[i].Rows == 0 {
		t.Errorf("main.raw_users_versions rows: got %d, want %v", s.Tables[i].Rows, want)
	}
}
