package transform

import "strings"

// SplitDN splits an LDAP distinguished name (RFC 4514), as Entra's
// onPremisesDistinguishedName holds it, into its RDNs, the user's own
// first: "CN=Lee\, Ann,OU=Sales,DC=contoso,DC=com" is "CN=Lee\, Ann",
// "OU=Sales", "DC=contoso", "DC=com". Only unescaped commas separate
// RDNs; each keeps its text as written (escapes included, spaces
// around it trimmed). ok is false when an RDN is empty or has no
// attribute type before an '=', or when dn ends in a lone backslash.
func SplitDN(dn string) (rdns []string, ok bool) {
	start := 0
	for i := 0; i <= len(dn); i++ {
		switch {
		case i < len(dn) && dn[i] == '\\':
			if i == len(dn)-1 {
				return nil, false // a trailing backslash escapes nothing
			}
			i++ // the escaped byte is part of the value
		case i == len(dn) || dn[i] == ',':
			rdn := trimRDN(dn[start:i])
			if eq := strings.IndexByte(rdn, '='); eq <= 0 || strings.TrimSpace(rdn[:eq]) == "" {
				return nil, false
			}
			rdns = append(rdns, rdn)
			start = i + 1
		}
	}
	return rdns, true
}

// trimRDN trims the spaces around an RDN, but not an escaped trailing one
// ("CN=x\ " ends with a space that belongs to the value).
func trimRDN(s string) string {
	s = strings.TrimLeft(s, " ")
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// sameRDN compares two RDNs as AD does for the attributes of an OU path:
// case-insensitively, with spaces around the '=' ignored.
func sameRDN(a, b string) bool {
	ta, va, _ := strings.Cut(a, "=")
	tb, vb, _ := strings.Cut(b, "=")
	return strings.EqualFold(strings.TrimSpace(ta), strings.TrimSpace(tb)) &&
		strings.EqualFold(strings.TrimLeft(va, " "), strings.TrimLeft(vb, " "))
}

// WithinDN reports whether the object dn sits in or below container (an
// OU or a domain, itself a DN): dn equals container, or dn's last RDNs
// are container's, compared RDN by RDN (case-insensitively, on the RDN
// boundaries: OU=Sales does not contain an object of OU=PreSales, and an
// escaped comma inside a name is no boundary). An empty or malformed dn
// or container is within nothing.
func WithinDN(dn, container string) bool {
	d, ok := SplitDN(dn)
	if !ok {
		return false
	}
	c, ok := SplitDN(container)
	if !ok || len(c) > len(d) {
		return false
	}
	tail := d[len(d)-len(c):]
	for i := range c {
		if !sameRDN(tail[i], c[i]) {
			return false
		}
	}
	return true
}
