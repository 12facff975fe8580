package load_test

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestLatestGroupMembers reads the known members of licence groups from
// the latest snapshot of one tenant: those whose licence states name the
// group, split by whether they hold the SKU asked about; a group the
// snapshot does not know has none; the other tenant's members stay out.
func TestLatestGroupMembers(t *testing.T) {
	w := reclaimWarehouse(t)
	// genUsers(0, 60): user k%3 == 1 holds skuIDs[0] through group
	// guid(2, k%40) and skuIDs[1] directly. Group 1's only member is user
	// 1; group 3's is user 43 (not in the first snapshot); fabrikam's user
	// 121 is in group 1 too.
	g1, g3, unknown := strings.ToUpper(guid(2, 1)), guid(2, 3), guid(2, 99)
	tests := []struct {
		name    string
		sku     string
		known   []int64
		without [][]string
	}{
		{"a SKU the members lack", skuIDs[2], []int64{1, 1, 0}, [][]string{{guid(1, 1)}, {guid(1, 43)}, nil}},
		{"a SKU the members hold", skuIDs[1], []int64{1, 1, 0}, [][]string{nil, nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.LatestGroupMembers(context.Background(), "contoso", tc.sku, []string{g1, g3, unknown})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 {
				t.Fatalf("got %d entries, want 3 (one per group asked)", len(got))
			}
			for i, m := range got {
				if want := strings.ToLower([]string{g1, g3, unknown}[i]); m.GroupID != want {
					t.Errorf("entry %d: got group %s, want %s", i, m.GroupID, want)
				}
				if m.Known != tc.known[i] || !slices.Equal(m.Without, tc.without[i]) {
					t.Errorf("group %s: got %d known, without %v; want %d, %v", m.GroupID, m.Known, m.Without, tc.known[i], tc.without[i])
				}
			}
		})
	}
}
