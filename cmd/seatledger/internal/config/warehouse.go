package config

import "github.com/seatledger/seatledger/load"

// Tuning turns the warehouse section into DuckDB's settings: memory limit,
// threads and the directory it spills to.
func (w Warehouse) Tuning() []load.Option {
	return []load.Option{load.WithMemoryLimit(w.MemoryLimit), load.WithThreads(w.Threads), load.WithTempDirectory(w.TempDirectory)}
}
