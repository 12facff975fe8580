package graphsim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// pki is the simulator's own certificate authority, the TLS leaf it signs
// for the loopback names, and the key that signs access tokens.
type pki struct {
	caCert   *x509.Certificate
	caPEM    []byte
	caKey    *ecdsa.PrivateKey
	leaf     tls.Certificate
	tokenKey *ecdsa.PrivateKey
}

// newPKI makes the server's certificates at now (the real time: TLS
// checks them against it): a new CA, or the one kept in caDir when set
// (see keptCA), and a new leaf and token key.
func newPKI(now time.Time, caDir string) (*pki, error) {
	p := &pki{}
	var err error
	if caDir == "" {
		err = p.newCA(now)
	} else {
		err = p.keptCA(caDir, now)
	}
	if err != nil {
		return nil, err
	}
	if p.leaf, err = p.issueLeaf(now); err != nil {
		return nil, err
	}
	if p.tokenKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("generate token signing key: %w", err)
	}
	return p, nil
}

// newCA makes a self-signed CA valid for a year.
func (p *pki) newCA(now time.Time) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "graphsim local CA", Organization: []string{"seatledger graphsim"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("self-sign CA certificate: %w", err)
	}
	if p.caCert, err = x509.ParseCertificate(caDER); err != nil {
		return fmt.Errorf("parse CA certificate: %w", err)
	}
	p.caKey, p.caPEM = caKey, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return nil
}

// issueLeaf signs a server certificate for 127.0.0.1, ::1 and localhost.
func (p *pki) issueLeaf(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 3, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sign server certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// clientCert is the certificate registered on the simulated app
// registration. MSAL signs client assertions with PS256, so it is RSA.
type clientCert struct {
	cert       *x509.Certificate
	pem        []byte // certificate then PKCS#8 key, as azidentity.ParseCertificates reads it
	thumbprint []byte // SHA-256 of the DER, the JWT x5t#S256 header
}

func newClientCert(now time.Time, clientID string) (*clientCert, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate client certificate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "graphsim app " + clientID},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("self-sign client certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode client certificate key: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse client certificate: %w", err)
	}
	sum := sha256.Sum256(der)
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	return &clientCert{cert: cert, pem: out, thumbprint: sum[:]}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// verifyPSS checks an RS256 or PS256 signature by the client certificate.
func (c *clientCert) verify(alg string, signed, sig []byte) error {
	pub, ok := c.cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("client certificate key is not RSA")
	}
	h := sha256.Sum256(signed)
	switch alg {
	case "PS256":
		return rsa.VerifyPSS(pub, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	case "RS256":
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
	}
	return fmt.Errorf("unsupported assertion algorithm %q", alg)
}
