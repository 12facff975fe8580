package tenants

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    Shard
		wantErr bool
	}{
		{"0/1", Shard{0, 1}, false},
		{"2/3", Shard{2, 3}, false},
		{"3/3", Shard{}, true},
		{"-1/3", Shard{}, true},
		{"1/0", Shard{}, true},
		{"1", Shard{}, true},
		{"a/b", Shard{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseShard(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseShard(%q): got %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "--shard") {
				t.Errorf("error %q does not name --shard", err)
			}
		})
	}
}

// TestShardsPartitionTenantsStably: every tenant is in exactly one shard,
// and adding tenants never moves an existing one.
func TestShardsPartitionTenantsStably(t *testing.T) {
	var all []config.Tenant
	for i := range 200 {
		all = append(all, config.Tenant{Name: fmt.Sprintf("customer-%03d", i)})
	}
	const n = 4
	where := map[string]int{}
	for k := range n {
		got := Shard{k, n}.Tenants(all[:150])
		if len(got) < 20 {
			t.Errorf("shard %d/%d holds %d of 150 tenants: the hash spreads badly", k, n, len(got))
		}
		for _, tn := range got {
			if _, dup := where[tn.Name]; dup {
				t.Errorf("tenant %s in two shards", tn.Name)
			}
			where[tn.Name] = k
		}
	}
	if len(where) != 150 {
		t.Errorf("got %d tenants over all shards, want 150", len(where))
	}
	for k := range n {
		for _, tn := range (Shard{k, n}).Tenants(all) {
			if old, ok := where[tn.Name]; ok && old != k {
				t.Errorf("tenant %s moved from shard %d to %d when tenants were added", tn.Name, old, k)
			}
		}
	}
}
