//go:build tools

// Package tools keeps in go.mod the pinned dependencies that no package
// imports yet (client_golang arrives with `seatledger serve`, issue 5).
// Delete it once every line below is imported for real.
package tools

import (
	_ "github.com/prometheus/client_golang/prometheus"
)
