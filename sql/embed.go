// Package sql holds seatledger's SQL: numbered schema migrations in
// schema/, the per-snapshot transforms in transform/ and marts/, and the
// read-side views in views/. It has no logic: load applies the files in
// lexical order.
package sql

import "embed"

// Schema holds schema/NNNN_name.sql migrations, applied once each.
//
//go:embed schema/*.sql
var Schema embed.FS

// Transforms holds transform/NN_stg_*.sql and marts/NN_mart_*.sql: the
// temporary staging relations and calc_mart_* tables that compute one
// snapshot's marts, run on the connection that commits it. Each file
// creates one relation (or one macro, transform/00_utc_date.sql) named
// after it; the number orders it after the files it reads.
//
//go:embed transform marts
var Transforms embed.FS

// Views holds views/NN_*.sql: read-side views over the mart and snapshot
// tables, re-created whenever a writer opens the warehouse.
//
//go:embed views/*.sql
var Views embed.FS
