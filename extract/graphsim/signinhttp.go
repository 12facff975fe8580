package graphsim

import (
	"context"
	"crypto/hmac"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// GET /v1.0/auditLogs/signIns: pages of at most 1,000 events (the default
// too), newest first, $filter and $skiptoken; AuditLog.Read.All and Entra
// ID P1/P2 (https://learn.microsoft.com/graph/api/signin-list).

// Page sizes of the identity-and-access reports.
const (
	signInActivityTop = 500  // users with signInActivity: default and maximum
	signInsTop        = 1000 // the sign-in log: default and maximum
)

var readAuditLog = []string{"AuditLog.Read.All"}

// rolesKey carries the bearer token's roles to the handlers.
type rolesKey struct{}

func withRoles(ctx context.Context, roles []string) context.Context {
	return context.WithValue(ctx, rolesKey{}, roles)
}

func rolesOf(r *http.Request) []string {
	roles, _ := r.Context().Value(rolesKey{}).([]string)
	return roles
}

// reportGate admits a request of the identity-and-access reports (users'
// signInActivity, the sign-in log): AuditLog.Read.All, Entra ID P1/P2,
// then the reports' throttle. It answers the request and returns false
// when one is missing.
func (s *Server) reportGate(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case !granted(rolesOf(r), readAuditLog):
		s.graphError(w, r, &GraphError{Status: http.StatusForbidden, Code: "Authorization_RequestDenied",
			Message: "Insufficient privileges to complete the operation."})
	case !s.tenant.EntraPremium():
		s.graphError(w, r, nonPremium())
	default:
		return s.admitReport(w, r)
	}
	return false
}

// nonPremium is Graph's answer in a tenant without Entra ID P1 or P2
// (graph-facts.md §1.3).
func nonPremium() *GraphError {
	return &GraphError{Status: http.StatusForbidden, Code: "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
		Message: "Neither tenant is B2C or tenant doesn't have premium license"}
}

// tooManySignInUsers answers a $top above 500 with signInActivity selected,
// worded like the 120-user limit's answer of 2023
// (msgraph-sdk-powershell#1898); the limit is 500 since 2025
// (microsoft-graph-docs-contrib#9591).
func tooManySignInUsers() *GraphError {
	return &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
		Message: fmt.Sprintf("Cannot query data for more than %d users at a time.", signInActivityTop)}
}

// signInQuery is a parsed request of the sign-in log.
type signInQuery struct {
	filter    logFilter
	rawFilter string
	top       int
	topSet    bool
	after     *signInEvent
}

// serveSignIns answers GET /auditLogs/signIns.
func (s *Server) serveSignIns(w http.ResponseWriter, r *http.Request, _ string) {
	if !s.tenant.EntraPremium() { // the route checked the permission
		s.graphError(w, r, nonPremium())
		return
	}
	q, gerr := s.parseSignInQuery(r)
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	if !s.admitReport(w, r) {
		return
	}
	evs := s.tenant.logPage(q.filter, q.after, q.top+1)
	next := ""
	if len(evs) > q.top {
		evs = evs[:q.top]
		next = s.signInsNextLink(q, &evs[q.top-1])
	}
	b := make([]byte, 0, 256+len(evs)*1400)
	b = append(b, `{"@odata.context":`...)
	b = appendString(b, s.URL()+"/v1.0/$metadata#auditLogs/signIns")
	if next != "" { // before value, as in Graph's example
		b = append(b, `,"@odata.nextLink":`...)
		b = appendString(b, next)
	}
	b = append(b, `,"value":[`...)
	for k := range evs {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendSignIn(b, &evs[k])
	}
	graphOK(w, http.StatusOK, append(b, "]}"...))
}

// parseSignInQuery reads $filter, $top and $skiptoken (with or without
// the "$"); other options are refused.
func (s *Server) parseSignInQuery(r *http.Request) (signInQuery, *GraphError) {
	q := signInQuery{filter: anyEvent(), top: signInsTop}
	get := queryOptions(r)
	for _, o := range []string{"select", "search", "orderby", "count", "expand", "skip"} {
		if _, ok := get(o); ok {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
				Message: fmt.Sprintf("The query option '$%s' is not supported by the simulator's auditLogs/signIns.", o)}
		}
	}
	if t, ok := get("top"); ok {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > signInsTop {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
				Message: fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", t, signInsTop)}
		}
		q.top, q.topSet = n, true
	}
	if f, ok := get("filter"); ok {
		parsed, ok := s.parseSignInFilter(f)
		if !ok {
			return q, invalidFilter()
		}
		q.filter, q.rawFilter = parsed, f
	}
	if tok, ok := get("skiptoken"); ok {
		e, ok := s.decodeSignInToken(tok)
		if !ok {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid $skiptoken value."}
		}
		q.after = &e
	}
	return q, nil
}

// invalidFilter is Graph's answer to a $filter the sign-in log does not
// take (microsoftgraph/microsoft-graph-docs#14173: a quoted date too).
func invalidFilter() *GraphError {
	return &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid filter clause"}
}

// signInsNextLink repeats $filter and $top, like Graph's.
func (s *Server) signInsNextLink(q signInQuery, last *signInEvent) string {
	var parts []string
	if q.rawFilter != "" {
		parts = append(parts, "$filter="+strings.ReplaceAll(url.QueryEscape(q.rawFilter), "+", "%20"))
	}
	if q.topSet {
		parts = append(parts, "$top="+strconv.Itoa(q.top))
	}
	parts = append(parts, "$skiptoken="+s.encodeSignInToken(last))
	return s.URL() + "/v1.0/auditLogs/signIns?" + strings.Join(parts, "&")
}

// Sign-in skip tokens are the key of the last event served (ticks, user,
// seq) and a MAC, in hex: a page boundary that stays put however the
// log is paged.
func (s *Server) encodeSignInToken(e *signInEvent) string {
	b := make([]byte, 13, 25)
	binary.BigEndian.PutUint64(b, uint64(e.at))
	binary.BigEndian.PutUint32(b[8:], uint32(e.user))
	b[12] = e.seq
	return hex.EncodeToString(append(b, s.skipMAC("signIns", b)...))
}

func (s *Server) decodeSignInToken(tok string) (signInEvent, bool) {
	b, err := hex.DecodeString(tok)
	if err != nil || len(b) != 25 || !hmac.Equal(b[13:], s.skipMAC("signIns", b[:13])) {
		return signInEvent{}, false
	}
	return signInEvent{at: int64(binary.BigEndian.Uint64(b)), user: int32(binary.BigEndian.Uint32(b[8:])), seq: b[12]}, true
}

// isGUID reports whether s has a GUID's shape (8-4-4-4-12 hex digits).
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case k == 8 || k == 13 || k == 18 || k == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}
