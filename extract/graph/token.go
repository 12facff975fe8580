package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// TokenInfo describes an acquired Graph token without its text.
type TokenInfo struct {
	// Roles are the application permissions granted (the roles claim),
	// e.g. User.Read.All, Organization.Read.All, Reports.Read.All.
	Roles     []string
	ExpiresOn time.Time
	// IssuedAt is the iat claim: the identity platform's clock when it
	// issued the token, so now minus IssuedAt estimates the clock skew.
	IssuedAt time.Time
	TenantID string // tid claim
	AppID    string // appid (v1 token) or azp (v2 token) claim
	Audience string // aud claim
}

// claims are the JWT payload claims TokenInfo reports.
type claims struct {
	Roles []string `json:"roles"`
	Tid   string   `json:"tid"`
	AppID string   `json:"appid"`
	Azp   string   `json:"azp"`
	Aud   string   `json:"aud"`
	Exp   int64    `json:"exp"`
	Iat   int64    `json:"iat"`
}

// Token acquires a Graph token (for `seatledger check`) and reports its
// roles and expiry, read from the JWT payload without verifying the
// signature: Graph verifies it, this only tells the operator what was
// granted. The token text is never returned or logged.
func (c *Client) Token(ctx context.Context) (TokenInfo, error) {
	tok, err := c.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{c.scope}})
	if err != nil {
		return TokenInfo{}, fmt.Errorf("acquire token for %s: %w", c.scope, classifyTokenError(err))
	}
	info, err := parseTokenClaims(tok.Token)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("read token claims: %w", err)
	}
	if info.ExpiresOn.IsZero() {
		info.ExpiresOn = tok.ExpiresOn.UTC()
	}
	return info, nil
}

// parseTokenClaims decodes the payload of a JWT.
func parseTokenClaims(jwt string) (TokenInfo, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return TokenInfo{}, fmt.Errorf("%w: token is not a JWT (%d parts)", ErrBadResponse, len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenInfo{}, fmt.Errorf("%w: token payload is not base64url: %w", ErrBadResponse, err)
	}
	var cl claims
	if err := json.Unmarshal(payload, &cl); err != nil {
		return TokenInfo{}, fmt.Errorf("%w: token payload is not JSON: %w", ErrBadResponse, err)
	}
	info := TokenInfo{Roles: cl.Roles, TenantID: cl.Tid, AppID: cl.AppID, Audience: cl.Aud}
	if info.AppID == "" {
		info.AppID = cl.Azp
	}
	if cl.Exp > 0 {
		info.ExpiresOn = time.Unix(cl.Exp, 0).UTC()
	}
	if cl.Iat > 0 {
		info.IssuedAt = time.Unix(cl.Iat, 0).UTC()
	}
	return info, nil
}
