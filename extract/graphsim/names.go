package graphsim

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Names: user i's names are drawn from streamName and spelled from the
// name lists (profile.go). The spellings addresses need (lower case,
// accents folded, apostrophes dropped; mixed case; service accounts'
// run-together names) are computed once per list entry, so that
// rebuilding a user's names costs one allocation, however often pages
// and reports ask for them.

// Spellings of the name lists, indexed like them.
var (
	givenLocal   = mapNames(givenNames, func(s string) string { return asciiFold(strings.ToLower(s)) })
	surLocal     = mapNames(surnames, func(s string) string { return asciiFold(strings.ToLower(strings.ReplaceAll(s, "'", ""))) })
	givenTitled  = mapNames(givenLocal, titleLocal)
	surTitled    = mapNames(surLocal, titleLocal)
	guestLabels  = mapNames(guestDomains, func(s string) string { return strings.Split(s, ".")[0] })
	serviceLocal = func() [][]string { // [service name][surname]
		out := make([][]string, len(serviceNames))
		for k, n := range serviceNames {
			out[k] = mapNames(surnames, func(s string) string { return strings.ToLower(strings.ReplaceAll(n+" "+s, " ", "")) })
		}
		return out
	}()
)

func mapNames(list []string, f func(string) string) []string {
	out := make([]string, len(list))
	for k, s := range list {
		out[k] = f(s)
	}
	return out
}

// nameDraw is what user i's name stream decides.
type nameDraw struct {
	kind       int
	given, sur int  // indexes in givenNames and surnames
	alt        int  // a guest's domain (guestDomains), a service's name (serviceNames)
	flag       bool // guest: the domain in the display name; service: a mail address; member: "Surname, Given"
	mixed      bool // member: a mixed-case user principal name
}

// drawName draws user i's names in names' order.
func (t *Tenant) drawName(i int, p profile) nameDraw {
	r := newRNG(t.seed, i, streamName)
	d := nameDraw{kind: p.kind, given: r.intn(len(givenNames)), sur: r.intn(len(surnames))}
	switch p.kind {
	case kindGuest:
		d.alt = r.intn(len(guestDomains))
		d.flag = r.chance(0.3)
	case kindService:
		d.alt = r.intn(len(serviceNames))
		d.flag = r.chance(0.7)
	default:
		d.flag = r.chance(0.03)  // directories synced from HR systems
		d.mixed = r.chance(0.15) // as typed by whoever created the account
	}
	return d
}

// appendDisplay appends the display name.
func appendDisplay(b []byte, d nameDraw) []byte {
	given, sur := givenNames[d.given], surnames[d.sur]
	switch {
	case d.kind == kindService:
		return append(append(append(b, serviceNames[d.alt]...), ' '), sur...)
	case d.kind == kindGuest && d.flag:
		b = append(append(append(b, given...), ' '), sur...)
		return append(append(append(b, " ("...), guestLabels[d.alt]...), ')')
	case d.kind != kindGuest && d.flag:
		return append(append(append(b, sur...), ", "...), given...)
	}
	return append(append(append(b, given...), ' '), sur...)
}

// appendLocal appends a member's or guest's local part: given.surname
// and the index, mixed-case when d says so.
func appendLocal(b []byte, i int, d nameDraw) []byte {
	given, sur := givenLocal[d.given], surLocal[d.sur]
	if d.mixed {
		given, sur = givenTitled[d.given], surTitled[d.sur]
	}
	return strconv.AppendInt(append(append(append(b, given...), '.'), sur...), int64(i), 10)
}

// appendUPN appends user i's user principal name.
func (t *Tenant) appendUPN(b []byte, i int, d nameDraw) []byte {
	switch d.kind {
	case kindGuest:
		b = append(append(appendLocal(b, i, d), '_'), guestDomains[d.alt]...)
		return append(append(b, "#EXT#@"...), t.initialDomain...)
	case kindService:
		b = strconv.AppendInt(append(b, serviceLocal[d.alt][d.sur]...), int64(i), 10)
		return append(append(b, '@'), t.domain...)
	}
	b = append(appendLocal(b, i, d), '@')
	if d.mixed {
		return append(b, t.titleDom...)
	}
	return append(b, t.domain...)
}

// names returns the given name, surname, display name, user principal name
// and mail of user i.
func (t *Tenant) names(i int, p profile) (given, sur, display, upn, mail string) {
	d := t.drawName(i, p)
	var buf [192]byte
	b := appendDisplay(buf[:0], d)
	n := len(b)
	b = t.appendUPN(b, i, d)
	m := len(b)
	if d.kind == kindGuest {
		b = append(append(appendLocal(b, i, d), '@'), guestDomains[d.alt]...)
	}
	all := string(b) // one allocation for all three
	display, upn, mail = all[:n], all[n:m], all[m:]
	switch {
	case d.kind == kindService:
		if !d.flag {
			mail = ""
		} else {
			mail = upn
		}
		return "", "", display, upn, mail
	case d.kind != kindGuest:
		mail = upn
	}
	return givenNames[d.given], surnames[d.sur], display, upn, mail
}

// appendReportNames appends user i's display name and then user
// principal name as the signal reports spell them (the same case in all
// four reports; see reportCase), unconcealed; n is where the user
// principal name starts.
func (t *Tenant) appendReportNames(b []byte, i int, d nameDraw) (out []byte, n int) {
	b = appendDisplay(b, d)
	n = len(b)
	b = t.appendUPN(b, i, d)
	r := newRNG(t.seed, i, streamReportCase)
	return reportCaseIn(&r, b, n), n
}

// reportCaseIn is reportCase for the user principal name in b[n:], in
// place when it is ASCII (as generated names are).
func reportCaseIn(r *rng, b []byte, n int) []byte {
	upn := b[n:]
	switch x := r.float(); {
	case x < 0.08:
		if !isASCII(upn) {
			return append(b[:n], strings.ToLower(string(upn))...)
		}
		for k, c := range upn {
			if 'A' <= c && c <= 'Z' {
				upn[k] = c + 'a' - 'A'
			}
		}
	case x < 0.1:
		if upn[0] >= utf8.RuneSelf {
			return append(b[:n], strings.ToUpper(string(upn[:1]))+string(upn[1:])...)
		}
		if c := upn[0]; 'a' <= c && c <= 'z' {
			upn[0] = c - ('a' - 'A')
		}
	}
	return b
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isSharedService reports whether a service account's display name marks
// a shared mailbox (not a scanner or a service account).
func isSharedService(d nameDraw) bool {
	var buf [64]byte
	display := appendDisplay(buf[:0], d)
	return !bytes.HasPrefix(display, []byte("Scanner")) && !bytes.HasPrefix(display, []byte("Service Account"))
}

var foldReplacer = strings.NewReplacer("é", "e", "ø", "o", "á", "a", "ë", "e", "ü", "ue")

// asciiFold spells accented letters the way mail addresses do.
func asciiFold(s string) string { return foldReplacer.Replace(s) }

// titleLocal upper-cases the first letter of each dot-separated part.
func titleLocal(s string) string {
	parts := strings.Split(s, ".")
	for k, p := range parts {
		if p != "" {
			parts[k] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, ".")
}

func titleDomain(d string) string {
	if d == "" {
		return d
	}
	return strings.ToUpper(d[:1]) + d[1:]
}
