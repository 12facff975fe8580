// Package sql holds seatledger's SQL: numbered schema migrations in
// schema/, per-run staging transforms in transform/ and marts in marts/.
// It has no logic; load applies the files in lexical order.
package sql

import "embed"

// Schema holds schema/NNNN_name.sql migrations, applied once each.
//
//go:embed schema/*.sql
var Schema embed.FS

// Transforms holds transform/NN_stg_*.sql and marts/NN_mart_*.sql, which are
// idempotent and re-run after every snapshot.
//
//go:embed transform marts
var Transforms embed.FS
