package transform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// MinPseudonymKey is the shortest pseudonym key accepted, in bytes.
const MinPseudonymKey = 16

// PersonalColumns are the mart columns that name a person; Pseudonymizer
// replaces them. Object ids stay: they are what licence actions and
// charge-back join on, and they name nobody without directory access.
var PersonalColumns = map[string]string{
	"user_principal_name":            "upn",
	"display_name":                   "name",
	"mail":                           "mail",
	"on_premises_distinguished_name": "dn",
}

// Pseudonymizer replaces personal values with stable pseudonyms: a keyed
// HMAC-SHA256 of the value, so the same key gives the same pseudonym run
// after run (a user can be followed over time) while nobody without the
// key can recompute or reverse them. User principal names compare
// case-insensitively, as Entra does.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a Pseudonymizer keyed with key (at least
// MinPseudonymKey bytes).
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinPseudonymKey {
		return nil, fmt.Errorf("pseudonym key: must be at least %d bytes, got %d", MinPseudonymKey, len(key))
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// Pseudonym returns the pseudonym of value in a column of kind "upn",
// "name", "mail" or "dn": user-<16 hex>@pseudonym.invalid for addresses,
// User <16 hex> for names; a distinguished name keeps its OU path and
// has its first RDN, which names the person, replaced by CN=User <16 hex>
// (CN=Ann Lee,OU=Sales,DC=contoso,DC=com becomes CN=User 1a2b…,OU=Sales,
// DC=contoso,DC=com; a malformed one is replaced whole). Empty values
// stay empty.
func (p *Pseudonymizer) Pseudonym(kind, value string) string {
	if value == "" {
		return ""
	}
	key := value
	if kind == "upn" || kind == "mail" || kind == "dn" {
		key = strings.ToLower(value)
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(kind + "\x00" + key))
	tag := hex.EncodeToString(m.Sum(nil))[:16]
	switch kind {
	case "name":
		return "User " + tag
	case "dn":
		if rdns, ok := SplitDN(value); ok && len(rdns) > 1 {
			return "CN=User " + tag + "," + strings.Join(rdns[1:], ",")
		}
		return "CN=User " + tag
	}
	return "user-" + tag + "@pseudonym.invalid"
}

// Row returns a function that pseudonymises, in place, the personal
// columns of rows with the columns cols; nil when cols has none.
func (p *Pseudonymizer) Row(cols []string) func(vals []any) {
	type col struct {
		i    int
		kind string
	}
	var personal []col
	for i, c := range cols {
		if kind, ok := PersonalColumns[c]; ok {
			personal = append(personal, col{i, kind})
		}
	}
	if len(personal) == 0 {
		return nil
	}
	return func(vals []any) {
		for _, c := range personal {
			if s, ok := vals[c.i].(string); ok {
				vals[c.i] = p.Pseudonym(c.kind, s)
			}
		}
	}
}
