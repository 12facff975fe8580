package config

import (
	"bytes"
	"fmt"
	"os"

	"github.com/seatledger/seatledger/transform"
)

// Pseudonymizer returns the reports' pseudonymizer when Pseudonymize is
// on, its key read through getenv from PseudonymKeyEnv or from
// PseudonymKeyFile (errors name them, never the key); nil when it is off.
func (r Reports) Pseudonymizer(getenv func(string) string) (*transform.Pseudonymizer, error) {
	if !r.Pseudonymize {
		return nil, nil
	}
	var key []byte
	switch {
	case r.PseudonymKeyEnv != "":
		key = []byte(getenv(r.PseudonymKeyEnv))
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
