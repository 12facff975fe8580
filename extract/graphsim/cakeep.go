package graphsim

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Files of a kept CA (ServerOptions.CADir).
const (
	caCertFile = "graphsim-ca.pem"
	caKeyFile  = "graphsim-ca-key.pem"
)

// keptCA loads the CA kept in dir, or makes one and keeps it there when
// neither of its files exists or its certificate is not valid from now
// until a day later. One file without the other, or files that do not
// hold a CA certificate and its key, are an error: they are left for
// someone to look at rather than overwritten.
func (p *pki) keptCA(dir string, now time.Time) error {
	certPath, keyPath := filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	switch {
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		return p.keepNewCA(dir, now)
	case certErr != nil:
		return fmt.Errorf("read kept CA certificate: %w", certErr)
	case keyErr != nil:
		return fmt.Errorf("read kept CA key: %w", keyErr)
	}
	if err := p.parseCA(certPEM, keyPEM); err != nil {
		return fmt.Errorf("kept CA in %s: %w (remove %s and %s to make a new one)", dir, err, caCertFile, caKeyFile)
	}
	if now.Before(p.caCert.NotBefore) || now.Add(24*time.Hour).After(p.caCert.NotAfter) {
		return p.keepNewCA(dir, now)
	}
	return nil
}

// keepNewCA makes a CA and writes its key, then its certificate, into
// dir, owner-only.
func (p *pki) keepNewCA(dir string, now time.Time) error {
	if err := p.newCA(now); err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(p.caKey)
	if err != nil {
		return fmt.Errorf("encode CA key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create CA dir %s: %w", dir, err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, caKeyFile), keyPEM, 0o600); err != nil {
		return fmt.Errorf("keep CA key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, caCertFile), p.caPEM, 0o600); err != nil {
		return fmt.Errorf("keep CA certificate: %w", err)
	}
	return nil
}

// parseCA reads a CA certificate and its PKCS#8 EC key.
func (p *pki) parseCA(certPEM, keyPEM []byte) error {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return fmt.Errorf("%s: no PEM certificate", caCertFile)
	}
	if kb == nil || kb.Type != "PRIVATE KEY" {
		return fmt.Errorf("%s: no PEM private key", caKeyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return fmt.Errorf("%s: %w", caCertFile, err)
	}
	if !cert.IsCA {
		return fmt.Errorf("%s: not a CA certificate", caCertFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return fmt.Errorf("%s: %w", caKeyFile, err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(cert.PublicKey) {
		return fmt.Errorf("%s: not the key of %s", caKeyFile, caCertFile)
	}
	p.caCert, p.caKey, p.caPEM = cert, key, pem.EncodeToMemory(cb)
	return nil
}
