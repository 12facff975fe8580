package tenants

import (
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

func TestForRun(t *testing.T) {
	all := []config.Tenant{{Name: "contoso"}, {Name: "fabrikam"}, {Name: "tailspin"}}
	// shard 1/2 holds the tenants whose name hashes there, in their order.
	var shard1 []string
	for _, tn := range all {
		if (Shard{1, 2}).Of(tn.Name) == 1 {
			shard1 = append(shard1, tn.Name)
		}
	}
	tests := []struct {
		name    string
		all     []config.Tenant
		names   []string
		shard   string
		want    []string
		wantErr string // a part of the error; "" for none
	}{
		{"all", all, nil, "", []string{"contoso", "fabrikam", "tailspin"}, ""},
		{"named, in the order given", all, []string{"tailspin", "contoso"}, "", []string{"tailspin", "contoso"}, ""},
		{"unknown name lists the known ones", all, []string{"nope"}, "", nil, `--tenant "nope": no such tenant in the configuration (have contoso, fabrikam, tailspin)`},
		{"no tenant configured", nil, nil, "", nil, "the configuration names no tenant"},
		{"shard", all, nil, "1/2", shard1, ""},
		{"shard and names", all, []string{"contoso"}, "0/2", nil, "--shard and --tenant"},
		{"bad shard", all, nil, "2/2", nil, "--shard: want K/N"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ForRun(tc.all, tc.names, tc.shard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tn := range got {
				names = append(names, tn.Name)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("got %v, want %v", names, tc.want)
			}
		})
	}
}

func TestRequestCounter(t *testing.T) {
	var forwarded int
	c := NewRequestCounter().ForwardTo(func(string, int) { forwarded++ })
	for _, status := range []int{200, 429, 200, 429, 503} {
		c.Observe("users", status)
	}
	if req, thr := c.Totals(); req != 5 || thr != 2 || forwarded != 5 {
		t.Errorf("got %d requests, %d throttled, %d forwarded; want 5, 2, 5", req, thr, forwarded)
	}
}
