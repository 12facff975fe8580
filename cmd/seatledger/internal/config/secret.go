package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

const redacted = "<secret>"

// Secret holds a credential. Every way of printing it (fmt verbs, JSON,
// text marshalling, slog) shows <secret>; only Reveal returns the value.
type Secret struct {
	v string
}

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the secret itself, for handing to a credential.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// String returns <secret>.
func (s Secret) String() string { return redacted }

// GoString returns <secret>, so %#v redacts too.
func (s Secret) GoString() string { return redacted }

// Format redacts under every fmt verb, including %+v and %x.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalText returns <secret>.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON returns "<secret>".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// LogValue returns <secret> for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// ErrNoSecret is returned by ResolveSecret for auth methods that use no
// secret (managed_identity, workload_identity, default).
var ErrNoSecret = errors.New("auth method uses no secret")

// ResolveSecret returns the tenant's secret: for client_secret the client
// secret from client_secret_env or client_secret_file; for
// client_certificate the certificate password from certificate_password_env
// (an empty Secret when none is configured: the key may be unencrypted).
// Other methods return ErrNoSecret.
//
// A file's trailing newlines are trimmed. An empty secret is an error.
// Errors name the environment variable or file, never the value. Pass
// SecretFileReader for readFile to warn about files readable by others.
func (t Tenant) ResolveSecret(env func(string) string, readFile func(string) ([]byte, error)) (Secret, error) {
	a := t.Auth
	switch a.Method {
	case "client_secret":
		if a.ClientSecretEnv != "" {
			return secretFromEnv(t.Name, a.ClientSecretEnv, env)
		}
		if a.ClientSecretFile != "" {
			return secretFromFile(t.Name, a.ClientSecretFile, readFile)
		}
		return Secret{}, fmt.Errorf("tenant %s: client_secret needs client_secret_env or client_secret_file", t.Name)
	case "client_certificate":
		if a.CertificatePasswordEnv == "" {
			return Secret{}, nil
		}
		return secretFromEnv(t.Name, a.CertificatePasswordEnv, env)
	default:
		return Secret{}, fmt.Errorf("tenant %s: method %q: %w", t.Name, a.Method, ErrNoSecret)
	}
}

func secretFromEnv(tenant, name string, env func(string) string) (Secret, error) {
	v := env(name)
	if v == "" {
		return Secret{}, fmt.Errorf("tenant %s: secret environment variable %s is empty or unset", tenant, name)
	}
	return Secret{v: v}, nil
}

func secretFromFile(tenant, path string, readFile func(string) ([]byte, error)) (Secret, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	b, err := readFile(path)
	if err != nil {
		return Secret{}, fmt.Errorf("tenant %s: read secret file %s: %w", tenant, path, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return Secret{}, fmt.Errorf("tenant %s: secret file %s is empty", tenant, path)
	}
	return Secret{v: v}, nil
}

// SecretFileReader returns a readFile for ResolveSecret that reads with
// os.ReadFile and logs a warning (with the path, never the content) when
// the file is readable by group or others.
//
// It warns rather than refuses on purpose: Kubernetes mounts Secret
// volumes with mode 0644 by default (defaultMode), and refusing those would
// break the most common container deployment.
func SecretFileReader(log *slog.Logger) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 && log != nil {
			log.Warn("secret file is readable by group or others; chmod 600 it",
				"file", path, "mode", fmt.Sprintf("%#o", mode))
		}
		return os.ReadFile(path)
	}
}
