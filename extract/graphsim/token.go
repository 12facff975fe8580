package graphsim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// graphAppID is Microsoft Graph's well-known application id, an accepted
// token audience like the resource URL.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// tokenClaims is the payload of an app-only Graph access token (v1.0
// format, which Graph's tokens use), trimmed to what matters.
type tokenClaims struct {
	Aud     string   `json:"aud"`
	Iss     string   `json:"iss"`
	Iat     int64    `json:"iat"`
	Nbf     int64    `json:"nbf"`
	Exp     int64    `json:"exp"`
	AppID   string   `json:"appid"`
	AppIDAc string   `json:"appidacr"` // 1: secret, 2: certificate
	Idp     string   `json:"idp"`
	Idtyp   string   `json:"idtyp"`
	Oid     string   `json:"oid"`
	Roles   []string `json:"roles"`
	Sub     string   `json:"sub"`
	Tid     string   `json:"tid"`
	Uti     string   `json:"uti"`
	Ver     string   `json:"ver"`
}

var b64 = base64.RawURLEncoding

// issueToken signs claims with the server's ES256 token key.
func (s *Server) issueToken(c tokenClaims) (string, error) {
	header, err := json.Marshal(map[string]string{"typ": "JWT", "alg": "ES256", "kid": s.tokenKeyID(), "x5t": s.tokenKeyID()})
	if err != nil {
		return "", fmt.Errorf("encode token header: %w", err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode token claims: %w", err)
	}
	signed := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	h := sha256.Sum256([]byte(signed))
	r, sg, err := ecdsa.Sign(rand.Reader, s.pki.tokenKey, h[:])
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	sg.FillBytes(sig[32:])
	return signed + "." + b64.EncodeToString(sig), nil
}

func (s *Server) tokenKeyID() string {
	x, y := coordinates(&s.pki.tokenKey.PublicKey)
	// Leading zero bytes trimmed, as big.Int.Bytes gave them before.
	sum := sha256.Sum256(append(bytes.TrimLeft(x, "\x00"), bytes.TrimLeft(y, "\x00")...))
	return b64.EncodeToString(sum[:15])
}

// coordinates are a P-256 public key's X and Y, 32 bytes each, for its
// JWK. PublicKey.Bytes is the uncompressed point 0x04 || X || Y; it fails
// only for a key that ecdsa.GenerateKey did not make.
func coordinates(pub *ecdsa.PublicKey) (x, y []byte) {
	b, err := pub.Bytes()
	if err != nil || len(b) != 65 {
		panic(fmt.Sprintf("graphsim: token key is not a P-256 key: %v", err))
	}
	return b[1:33], b[33:]
}

// Bearer token failures, worded as Graph words them.
var (
	errTokenEmpty     = errors.New("Access token is empty.")
	errTokenMalformed = errors.New("IDX14100: JWT is not well formed, there are no dots (.).")
	errTokenInvalid   = errors.New("Access token validation failure.")
	errTokenAudience  = errors.New("Access token validation failure. Invalid audience.")
	errTokenExpired   = errors.New("Lifetime validation failed, the token is expired.")
)

// verifyToken checks a bearer token this server issued.
func (s *Server) verifyToken(auth string) (tokenClaims, error) {
	var c tokenClaims
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return c, errTokenEmpty
	}
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) != 3 {
		return c, errTokenMalformed
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return c, errTokenInvalid
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, sg := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(&s.pki.tokenKey.PublicKey, h[:], r, sg) {
		return c, errTokenInvalid
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return c, errTokenInvalid
	}
	switch {
	case !s.acceptedAudience(c.Aud) || c.Tid != s.tenant.tenantID:
		return c, errTokenAudience
	case time.Now().Unix() >= c.Exp:
		return c, errTokenExpired
	}
	return c, nil
}

func (s *Server) acceptedAudience(aud string) bool {
	aud = strings.TrimSuffix(aud, "/")
	return strings.EqualFold(aud, s.URL()) || strings.EqualFold(aud, "https://graph.microsoft.com") || aud == graphAppID
}

// assertion is a parsed client assertion JWT (certificate credential).
type assertion struct {
	alg, thumbS256, thumb string
	iss, sub, aud         string
	exp, nbf              int64
	signed, sig           []byte
}

func parseAssertion(raw string) (assertion, error) {
	var a assertion
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return a, errors.New("client assertion is not a JWT")
	}
	var hdr struct {
		Alg     string `json:"alg"`
		X5tS256 string `json:"x5t#S256"`
		X5t     string `json:"x5t"`
	}
	var cl struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
		Nbf json.Number     `json:"nbf"`
	}
	hb, err1 := b64.DecodeString(parts[0])
	pb, err2 := b64.DecodeString(parts[1])
	sig, err3 := b64.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return a, fmt.Errorf("client assertion encoding: %w", err)
	}
	if err := errors.Join(json.Unmarshal(hb, &hdr), json.Unmarshal(pb, &cl)); err != nil {
		return a, fmt.Errorf("client assertion JSON: %w", err)
	}
	var aud string
	if json.Unmarshal(cl.Aud, &aud) != nil {
		var auds []string
		if json.Unmarshal(cl.Aud, &auds) == nil && len(auds) > 0 {
			aud = auds[0]
		}
	}
	exp, _ := cl.Exp.Int64()
	nbf, _ := cl.Nbf.Int64()
	return assertion{alg: hdr.Alg, thumbS256: hdr.X5tS256, thumb: hdr.X5t, iss: cl.Iss, sub: cl.Sub, aud: aud,
		exp: exp, nbf: nbf, signed: []byte(parts[0] + "." + parts[1]), sig: sig}, nil
}
