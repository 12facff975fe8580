package graphsim

import "strings"

// streamOnPrem is the randomness of the on-premises directory: whether a
// member is synced from AD. A stream of its own, so that adding it moved
// no other generated value.
const streamOnPrem uint64 = 60

// onPremShare is the share of members synced from an on-premises Active
// Directory; guests and service accounts are cloud-only.
const onPremShare = 0.6

// syncedTrue is the onPremisesSyncEnabled of every synced user (shared:
// extract.User says never to write through it).
var syncedTrue = true

// onPremises returns user i's onPremisesDistinguishedName and
// onPremisesSyncEnabled: for a synced member, a DN built from its display
// name, its department's OU under OU=Users, and the tenant's domain
// components, with sync enabled; for everyone else "" and nil (Graph's
// nulls). Both are pure functions of the seed and the index, so they are
// the same every day and churn never changes them.
func (t *Tenant) onPremises(i int, p profile, display string) (string, *bool) {
	if p.kind != kindMember {
		return "", nil
	}
	r := newRNG(t.seed, i, streamOnPrem)
	if !r.chance(onPremShare) {
		return "", nil
	}
	var b strings.Builder
	b.WriteString("CN=")
	b.WriteString(escapeRDNValue(display))
	if p.dept >= 0 {
		b.WriteString(",OU=")
		b.WriteString(escapeRDNValue(departments[p.dept].name))
	}
	b.WriteString(",OU=Users,")
	b.WriteString(domainComponents(t.domain))
	return b.String(), &syncedTrue
}

// domainComponents is a DNS domain as the DN of its AD domain:
// contoso.example is DC=contoso,DC=example.
func domainComponents(domain string) string {
	labels := strings.Split(domain, ".")
	for k, l := range labels {
		labels[k] = "DC=" + escapeRDNValue(l)
	}
	return strings.Join(labels, ",")
}

// escapeRDNValue escapes an attribute value of a DN as Active Directory
// writes it (RFC 4514 section 2.4, plus '='): a display name "Lee, Ann"
// is CN=Lee\, Ann.
func escapeRDNValue(v string) string {
	var b strings.Builder
	for k := 0; k < len(v); k++ {
		c := v[k]
		switch {
		case strings.IndexByte(`,+"\<>;=`, c) >= 0,
			k == 0 && (c == '#' || c == ' '),
			k == len(v)-1 && c == ' ':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
