package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Storage is how the warehouse file is used: DuckDB's
// pragma_database_size, and per table the blocks its column segments sit
// in (pragma_storage_info; see
// https://duckdb.org/docs/stable/configuration/pragmas#storage-information).
type Storage struct {
	DatabaseSize string // as DuckDB prints it, e.g. "12.5 MiB"
	WALSize      string
	BlockSize    int64 // bytes
	TotalBlocks  int64
	UsedBlocks   int64
	FreeBlocks   int64
	Tables       []TableStorage // by schema and name
}

// TableStorage is one table's share of the file: its estimated rows and
// the distinct persistent blocks its column segments sit in (small tables
// may share a block, and then count none of their own).
type TableStorage struct {
	Name   string // schema.table
	Rows   int64  // DuckDB's estimate
	Blocks int64
}

// Storage reads the warehouse's storage: the file's size and blocks, and
// every table's estimated rows and blocks.
func (w *Warehouse) Storage(ctx context.Context) (Storage, error) {
	var s Storage
	err := w.db.QueryRowContext(ctx, `SELECT database_size, wal_size, block_size, total_blocks, used_blocks, free_blocks
		FROM pragma_database_size() WHERE database_name = current_database()`).
		Scan(&s.DatabaseSize, &s.WALSize, &s.BlockSize, &s.TotalBlocks, &s.UsedBlocks, &s.FreeBlocks)
	if err != nil {
		return s, fmt.Errorf("database size: %w", err)
	}
	err = w.readRows(ctx, `SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables()
		WHERE database_name = current_database() AND NOT internal ORDER BY 1`, nil, func(r *sql.Rows) error {
		var t TableStorage
		if err := r.Scan(&t.Name, &t.Rows); err != nil {
			return err
		}
		s.Tables = append(s.Tables, t)
		return nil
	})
	if err != nil {
		return s, fmt.Errorf("list tables: %w", err)
	}
	for i, t := range s.Tables {
		q := fmt.Sprintf(`SELECT count(DISTINCT block_id) FILTER (WHERE persistent AND block_id >= 0)
			FROM pragma_storage_info('%s')`, strings.ReplaceAll(t.Name, "'", "''"))
		if err := w.db.QueryRowContext(ctx, q).Scan(&s.Tables[i].Blocks); err != nil {
			return s, fmt.Errorf("storage of %s: %w", t.Name, err)
		}
	}
	return s, nil
}
