package config

import (
	"errors"
	"fmt"
)

// Find loads the configuration a command names: the file at path, else
// the one $SEATLEDGER_CONFIG (read through getenv) names. Without either
// it returns the built-in default when required is false, else an error
// saying how to name one. Environment overrides (SEATLEDGER_…) apply in
// every case.
func Find(path string, getenv func(string) string, required bool) (*Config, error) {
	if path == "" {
		path = getenv("SEATLEDGER_CONFIG")
	}
	if path != "" {
		return Load(path, getenv)
	}
	if required {
		return nil, errors.New("no configuration: pass --config FILE or set SEATLEDGER_CONFIG (see configs/seatledger.example.yml)")
	}
	cfg := Default()
	if err := cfg.ApplyEnv(getenv); err != nil {
		return nil, fmt.Errorf("environment: %w", err)
	}
	return cfg, nil
}
