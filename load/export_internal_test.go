package load

import "testing"

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
