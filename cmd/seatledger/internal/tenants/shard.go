package tenants

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

// Shard is one of N parts of the tenants, for managed service providers
// who run several warehouses side by side (run --shard K/N).
type Shard struct{ K, N int }

// ParseShard reads "K/N" with 0 <= K < N.
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("--shard: want K/N with 0 <= K < N (e.g. 0/3), got %q", s)
	}
	return Shard{k, n}, nil
}

// Of is the shard a tenant belongs to: FNV-1a of its name modulo N, so
// that a tenant's shard depends on its name alone and adding or removing
// other tenants never moves it.
func (s Shard) Of(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % uint32(s.N))
}

// Tenants keeps the tenants of this shard, in their order.
func (s Shard) Tenants(all []config.Tenant) []config.Tenant {
	var out []config.Tenant
	for _, t := range all {
		if s.Of(t.Name) == s.K {
			out = append(out, t)
		}
	}
	return out
}
