package main

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

// shard is one of n parts of the tenants, for managed service providers
// who run several warehouses side by side (run --shard K/N).
type shard struct{ k, n int }

// parseShard reads "K/N" with 0 <= K < N.
func parseShard(s string) (shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 0 || k >= n {
		return shard{}, fmt.Errorf("--shard: want K/N with 0 <= K < N (e.g. 0/3), got %q", s)
	}
	return shard{k, n}, nil
}

// of is the shard a tenant belongs to: FNV-1a of its name modulo n, so
// that a tenant's shard depends on its name alone and adding or removing
// other tenants never moves it.
func (s shard) of(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % uint32(s.n))
}

// tenants keeps the tenants of this shard, in their order.
func (s shard) tenants(all []config.Tenant) []config.Tenant {
	var out []config.Tenant
	for _, t := range all {
		if s.of(t.Name) == s.k {
			out = append(out, t)
		}
	}
	return out
}
