package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/transform"
)

// pseudonymizer returns the reports' pseudonymizer when
// reports.pseudonymize is on, its key read from the configured variable or
// file (errors name them, never the key); nil when it is off.
func (g *globals) pseudonymizer(r config.Reports) (*transform.Pseudonymizer, error) {
	if !r.Pseudonymize {
		return nil, nil
	}
	var key []byte
	switch {
	case r.PseudonymKeyEnv != "":
		key = []byte(g.getenv(r.PseudonymKeyEnv))
		if len(key) == 0 {
			return nil, fmt.Errorf("reports.pseudonym_key_env: environment variable %s is empty or unset", r.PseudonymKeyEnv)
		}
	default:
		b, err := os.ReadFile(r.PseudonymKeyFile)
		if err != nil {
			return nil, fmt.Errorf("reports.pseudonym_key_file: %w", err)
		}
		key = bytes.TrimRight(b, "\r\n")
	}
	p, err := transform.NewPseudonymizer(key)
	if err != nil {
		return nil, fmt.Errorf("reports.pseudonym_key: %w", err)
	}
	return p, nil
}
