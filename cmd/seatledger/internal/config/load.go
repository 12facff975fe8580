package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FileError is returned by Load: what failed (read, parse, environment or
// validate) for which file. Err is the cause; for validation it is a
// ValidationErrors, reachable with errors.As.
type FileError struct {
	Op   string
	File string
	Err  error
}

// Error prints one problem inline, several as an indented list.
func (e *FileError) Error() string {
	lines := strings.Split(e.Err.Error(), "\n")
	head := e.Op + " config " + e.File
	if len(lines) == 1 {
		return head + ": " + lines[0]
	}
	return fmt.Sprintf("%s: %d problems:\n  %s", head, len(lines), strings.Join(lines, "\n  "))
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// Load reads the YAML file at path, decodes it strictly (unknown keys are
// errors), applies environment overrides read through env (os.Getenv in
// production; nil means none), applies the defaults and validates the
// result.
// Errors are *FileError values naming the file.
func Load(path string, env func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Op: "read", File: path, Err: err}
	}
	c, err := Parse(b)
	if err != nil {
		return nil, &FileError{Op: "parse", File: path, Err: err}
	}
	// Overrides go in before the defaults so that a default derived from
	// another value (a price's currency from pricing.currency) follows the
	// override; an empty variable changes nothing, so no default is lost.
	if env != nil {
		if err := c.ApplyEnv(env); err != nil {
			return nil, &FileError{Op: "environment for", File: path, Err: err}
		}
	}
	c.Defaults()
	if err := c.Validate(); err != nil {
		return nil, &FileError{Op: "validate", File: path, Err: err}
	}
	return c, nil
}

// Parse decodes one YAML document strictly over New() (so explicit zero
// values are kept) without applying Defaults or validating. An empty
// document yields New(). Every unknown key and type mismatch is reported,
// one per line, with its line number.
func Parse(b []byte) (*Config, error) {
	c := New()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return nil, decodeError(err, b)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: only one YAML document is allowed", extra.Line)
	}
	return c, nil
}

var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type config\.(\w+)$`)

// sections names the YAML location of each struct type for unknown-key
// errors.
var sections = map[string]string{
	"Config": "the top level", "Warehouse": "warehouse", "Schedule": "schedule",
	"Serve": "serve", "Reports": "reports", "Tenant": "tenants[]",
	"Auth": "tenants[].auth", "Rules": "rules", "Exclusion": "rules.exclusions[]",
	"Pricing": "pricing", "Price": "pricing.prices[]",
}

// inlineSecretKeys are keys people write when they try to put a secret in
// the file.
var inlineSecretKeys = map[string]bool{
	"client_secret": true, "secret": true, "password": true,
	"certificate_password": true, "client_secret_value": true,
}

// decodeError rewrites yaml's messages: unknown fields become
// `line N: unknown key "k" in section`, with a hint for inline secrets, and
// type errors name the key on their line.
func decodeError(err error, b []byte) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	paths := linePaths(b)
	lines := make([]string, 0, len(te.Errors))
	for _, msg := range te.Errors {
		if u := rewriteUnknown(msg, paths); u != msg {
			lines = append(lines, u)
			continue
		}
		lines = append(lines, withPath(msg, paths))
	}
	return errors.New(strings.Join(lines, "\n"))
}

func rewriteUnknown(msg string, paths map[int][]string) string {
	m := unknownField.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, key, typ := m[1], m[2], m[3]
	where := sections[typ]
	if where == "" {
		where = typ
	}
	if n, err := strconv.Atoi(line); err == nil {
		if ps := dedupe(paths[n]); len(ps) == 1 {
			if parent, ok := strings.CutSuffix(ps[0], "."+key); ok {
				where = parent
			}
		}
	}
	out := fmt.Sprintf("line %s: unknown key %q in %s", line, key, where)
	if inlineSecretKeys[key] {
		out += " (secrets are never inline: use client_secret_env or client_secret_file)"
	}
	return out
}
