package graphsim

import (
	"strconv"
	"strings"
	"time"
)

// The sign-in log's $filter and its events' JSON.

// parseSignInFilter parses clauses joined by "and": appId eq '<guid>',
// userId eq '<guid>', createdDateTime eq|ge|gt|le|lt <DateTimeOffset>
// (unquoted, as Graph takes it; a date alone is its midnight UTC) and
// status/errorCode eq <number>. Anything else is an invalid filter
// clause; Graph takes more (startsWith(appDisplayName,…), …) that the
// simulator does not.
func (s *Server) parseSignInFilter(raw string) (logFilter, bool) {
	f := anyEvent()
	toks, ok := filterTokens(raw)
	if !ok || len(toks)%4 != 3 {
		return f, false
	}
	for k := 0; k < len(toks); k += 4 {
		if k > 0 && !strings.EqualFold(toks[k-1], "and") {
			return f, false
		}
		if !s.applyClause(&f, toks[k], strings.ToLower(toks[k+1]), toks[k+2]) {
			return f, false
		}
	}
	return f, true
}

// applyClause narrows f by one clause.
func (s *Server) applyClause(f *logFilter, prop, op, value string) bool {
	str, quoted := unquote(value)
	switch strings.ToLower(prop) {
	case "appid":
		if op != "eq" || !quoted {
			return false
		}
		if a := appIndex(str); f.app < 0 || f.app == a {
			f.app = a
		} else {
			f.app = int(numSignInApps) // two applications: nothing
		}
	case "userid":
		if op != "eq" || !quoted {
			return false
		}
		i, found := s.tenant.Lookup(str)
		switch {
		case !found || !strings.EqualFold(userGUID(s.tenant.seed, i), str):
			f.user = -2 // no such user: nothing
		case f.user == -1 || f.user == i:
			f.user = i
		default:
			f.user = -2
		}
	case "createddatetime":
		if quoted {
			return false
		}
		at, ok := parseFilterTime(value)
		return ok && narrowTime(f, op, ticksOf(at))
	case "status/errorcode":
		n, err := strconv.Atoi(value)
		if op != "eq" || quoted || err != nil {
			return false
		}
		if f.hasCode && f.code != int32(n) {
			f.app = int(numSignInApps) // two error codes: nothing
		}
		f.code, f.hasCode = int32(n), true
	default:
		return false
	}
	return true
}

// narrowTime applies a createdDateTime comparison.
func narrowTime(f *logFilter, op string, at int64) bool {
	switch op {
	case "ge":
		f.lo = max(f.lo, at)
	case "gt":
		f.lo = max(f.lo, at+1)
	case "le":
		f.hi = min(f.hi, at)
	case "lt":
		f.hi = min(f.hi, at-1)
	case "eq":
		f.lo, f.hi = max(f.lo, at), min(f.hi, at)
	default:
		return false
	}
	return true
}

// parseFilterTime reads an OData DateTimeOffset (RFC 3339, fractions
// optional) or a date.
func parseFilterTime(v string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	t, err := time.Parse(time.DateOnly, v)
	return t, err == nil
}

// filterTokens splits a filter on spaces outside quoted strings (two
// quotes in a row are a quote inside one).
func filterTokens(raw string) ([]string, bool) {
	var toks []string
	var cur strings.Builder
	inQuote, started := false, false
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		switch {
		case c == '\'' && inQuote && k+1 < len(raw) && raw[k+1] == '\'':
			cur.WriteString("''")
			k++
		case c == '\'':
			inQuote, started = !inQuote, true
			cur.WriteByte(c)
		case c == ' ' && !inQuote:
			if started {
				toks, started = append(toks, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if started {
		toks = append(toks, cur.String())
	}
	return toks, !inQuote
}

// unquote returns a quoted OData string's value.
func unquote(v string) (string, bool) {
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return v, false
	}
	return strings.ReplaceAll(v[1:len(v)-1], "''", "'"), true
}

// Status texts of a wrong password (AADSTS50126).
const (
	badPasswordReason  = "Error validating credentials due to invalid username or password."
	badPasswordDetails = "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes."
)

// appendSignIn writes one event as Graph's signIn resource; properties the
// simulator does not model are null, "none" or empty.
func (s *Server) appendSignIn(b []byte, e *signInEvent) []byte {
	t := s.tenant
	i := int(e.user)
	p := t.profile(i)
	d := t.drawName(i, p)
	app := &signInApps[e.app]
	b = append(b, `{"id":"`...)
	b = appendGUIDBits(b, t.eventIDBits(e))
	b = append(b, `","createdDateTime":`...)
	b = appendTicks(b, e.at)
	// Generated names need no JSON escaping (no quote, backslash or
	// control character): they are written in place.
	b = append(b, `,"userDisplayName":"`...)
	b = appendDisplay(b, d)
	b = append(b, `","userPrincipalName":"`...)
	b = t.appendUPN(b, i, d)
	b = append(b, `","userId":"`...)
	b = appendGUIDBits(b, userGUIDBits(t.seed, i))
	b = append(b, `","appId":`...)
	b = appendString(b, app.id)
	b = append(b, `,"appDisplayName":`...)
	b = appendString(b, app.name)
	b = append(b, `,"ipAddress":"`...)
	b = t.appendIPAddress(b, i)
	b = append(b, `","clientAppUsed":`...)
	b = appendString(b, app.client)
	b = append(b, `,"correlationId":"`...)
	b = appendGUIDBits(b, t.correlationIDBits(e))
	b = append(b, `","conditionalAccessStatus":`...)
	b = appendString(b, pick(e.code == 0, "success", "notApplied"))
	b = append(b, `,"isInteractive":`...)
	b = appendBool(b, e.inter)
	b = append(b, `,"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[]`...)
	b = append(b, `,"resourceDisplayName":`...)
	b = appendString(b, app.resource)
	b = append(b, `,"resourceId":`...)
	b = appendString(b, app.resourceID)
	b = appendStatus(b, e.code)
	b = append(b, `,"deviceDetail":{"deviceId":"","displayName":null,"operatingSystem":"Windows10","browser":`...)
	b = appendString(b, pick(app.client == "Browser", "Edge 131.0.0", "Rich Client 5.2.4"))
	b = append(b, `,"isCompliant":false,"isManaged":false,"trustType":null},"location":{"city":`...)
	c := countries[p.country]
	b = appendString(b, c.city)
	b = append(b, `,"state":null,"countryOrRegion":`...)
	b = appendString(b, c.code)
	return append(b, `,"geoCoordinates":null},"appliedConditionalAccessPolicies":[]}`...)
}

// appendStatus writes the status property of an event.
func appendStatus(b []byte, code int32) []byte {
	b = append(b, `,"status":{"errorCode":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	if code == 0 {
		return append(b, `,"failureReason":null,"additionalDetails":null}`...)
	}
	b = append(b, `,"failureReason":`...)
	b = appendString(b, badPasswordReason)
	b = append(b, `,"additionalDetails":`...)
	return append(appendString(b, badPasswordDetails), '}')
}

// appendTicks writes ticks as Graph writes createdDateTime: seven
// fraction digits and Z ("2020-03-13T19:15:41.6195833Z").
func appendTicks(b []byte, ticks int64) []byte {
	b = appendTime(b, timeOf(floorDiv(ticks, ticksPerSecond)*ticksPerSecond))
	frac := floorMod(ticks, ticksPerSecond)
	b = append(b[:len(b)-2], '.', '0', '0', '0', '0', '0', '0', '0', 'Z', '"')
	for k := len(b) - 3; frac > 0; k-- {
		b[k] = byte('0' + frac%10)
		frac /= 10
	}
	return b
}

// appendIPAddress appends user i's public address, from the benchmarking
// range 198.18.0.0/15 (RFC 2544), so that it is no real network's.
func (t *Tenant) appendIPAddress(b []byte, i int) []byte {
	h := hash3(t.seed, uint64(i), streamSignInID)
	b = strconv.AppendInt(append(b, "198."...), 18+int64(h&1), 10)
	b = strconv.AppendInt(append(b, '.'), int64(h>>1&255), 10)
	return strconv.AppendInt(append(b, '.'), int64(h>>9&253)+1, 10)
}

// pick returns a when c holds, else b.
func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}
