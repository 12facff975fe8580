package main

import (
	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/load"
)

// tuning turns the configuration's warehouse section into DuckDB's
// settings: memory limit, threads and the directory it spills to.
func tuning(w config.Warehouse) []load.Option {
	return []load.Option{load.WithMemoryLimit(w.MemoryLimit), load.WithThreads(w.Threads), load.WithTempDirectory(w.TempDirectory)}
}

// tuning is the DuckDB settings of the configuration, for commands whose
// configuration is optional (query, report, reclaim plan); a configuration
// that does not load gives the defaults, and its error shows where it is
// needed.
func (g *globals) tuning() []load.Option {
	cfg, err := g.loadConfig(false)
	if err != nil {
		return nil
	}
	return tuning(cfg.Warehouse)
}
