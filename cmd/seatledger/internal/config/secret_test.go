package config_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

const plain = "hunter2-S3cr3t"

func TestSecretRedaction(t *testing.T) {
	s := config.NewSecret(plain)
	holder := struct {
		Name   string
		Secret config.Secret
	}{"contoso", s}
	js, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	txt, _ := s.MarshalText()
	var logBuf, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("auth", "secret", s, "holder", holder)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("auth", "secret", s)
	tests := []struct{ name, got string }{
		{"%v", fmt.Sprintf("%v", s)},
		{"%s", fmt.Sprintf("%s", s)},
		{"%q", fmt.Sprintf("%q", s)},
		{"%x", fmt.Sprintf("%x", s)},
		{"%+v struct", fmt.Sprintf("%+v", holder)},
		{"%#v struct", fmt.Sprintf("%#v", holder)},
		{"%#v", fmt.Sprintf("%#v", s)},
		{"pointer %v", fmt.Sprintf("%v", &s)},
		{"String", s.String()},
		{"GoString", s.GoString()},
		{"json", back["Secret"]},
		{"MarshalText", string(txt)},
		{"slog text", logBuf.String()},
		{"slog json", jsonLog.String()},
		{"error wrap", fmt.Errorf("login with %v", s).Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.got, plain) || strings.Contains(tt.got, fmt.Sprintf("%x", plain)) {
				t.Errorf("got %q, want the secret redacted", tt.got)
			}
			if !strings.Contains(tt.got, "<secret>") {
				t.Errorf("got %q, want it to contain <secret>", tt.got)
			}
		})
	}
	if got := s.Reveal(); got != plain {
		t.Errorf("Reveal: got %q, want %q", got, plain)
	}
}

func secretTenant(a config.Auth) config.Tenant {
	return config.Tenant{Name: "contoso", Auth: a}
}

func TestResolveSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", plain+"\r\n\n")
	empty := write("empty", "\n")
	missing := filepath.Join(dir, "missing")
	env := mapEnv(map[string]string{"GOOD": plain, "CERT_PW": "pw"})
	tests := []struct {
		name    string
		auth    config.Auth
		want    string
		wantErr string
	}{
		{"env", config.Auth{Method: "client_secret", ClientSecretEnv: "GOOD"}, plain, ""},
		{"file trims newlines", config.Auth{Method: "client_secret", ClientSecretFile: good}, plain, ""},
		{"unset env", config.Auth{Method: "client_secret", ClientSecretEnv: "NOPE"}, "",
			"tenant contoso: secret environment variable NOPE is empty or unset"},
		{"empty file", config.Auth{Method: "client_secret", ClientSecretFile: empty}, "",
			"tenant contoso: secret file " + empty + " is empty"},
		{"missing file", config.Auth{Method: "client_secret", ClientSecretFile: missing}, "",
			"tenant contoso: read secret file " + missing + ": open " + missing + ": no such file or directory"},
		{"no source", config.Auth{Method: "client_secret"}, "",
			"tenant contoso: client_secret needs client_secret_env or client_secret_file"},
		{"certificate password", config.Auth{Method: "client_certificate", CertificatePasswordEnv: "CERT_PW"}, "pw", ""},
		{"certificate without password", config.Auth{Method: "client_certificate"}, "", ""},
		{"managed identity", config.Auth{Method: "managed_identity"}, "",
			`tenant contoso: method "managed_identity": auth method uses no secret`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := secretTenant(tt.auth).ResolveSecret(env, os.ReadFile)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error: got %q, want %q", gotErr, tt.wantErr)
			}
			if strings.Contains(gotErr, plain) {
				t.Errorf("error %q contains the secret", gotErr)
			}
			if s.Reveal() != tt.want {
				t.Errorf("got %q, want %q", s.Reveal(), tt.want)
			}
		})
	}
	_, err := secretTenant(config.Auth{Method: "default"}).ResolveSecret(env, nil)
	if !errors.Is(err, config.ErrNoSecret) {
		t.Errorf("default method: got %v, want ErrNoSecret", err)
	}
}

func TestSecretFileReaderWarns(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		mode     os.FileMode
		wantWarn bool
	}{
		{"private", 0o600, false},
		{"group readable", 0o640, true},
		{"world readable", 0o644, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(p, []byte(plain+"\n"), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tt.mode); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, nil))
			tn := secretTenant(config.Auth{Method: "client_secret", ClientSecretFile: p})
			s, err := tn.ResolveSecret(nil, config.SecretFileReader(log))
			if err != nil || s.Reveal() != plain {
				t.Fatalf("got %q, %v; want the secret, nil", s.Reveal(), err)
			}
			gotWarn := strings.Contains(buf.String(), "level=WARN") && strings.Contains(buf.String(), p)
			if gotWarn != tt.wantWarn {
				t.Errorf("warned: got %v, want %v (log %q)", gotWarn, tt.wantWarn, buf.String())
			}
			if strings.Contains(buf.String(), plain) {
				t.Errorf("log %q contains the secret", buf.String())
			}
		})
	}
}
