package graphsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// GET /users/delta, as Graph documents it:
//   - https://learn.microsoft.com/graph/api/user-delta : $select is
//     remembered by the links (pass it on the first request only); $top
//     is silently ignored; deleted users come back as
//     {"id": ..., "@removed": {"reason": "changed" | "deleted"}} ("changed":
//     soft-deleted, restorable; "deleted": gone for good). "Changes to the
//     licenseAssignmentStates property are currently not tracked", but
//     assignedLicenses (group-inherited licences included) is, and a
//     changed user comes back whole, its current states included.
//   - https://learn.microsoft.com/graph/delta-query-overview : pages carry
//     @odata.nextLink, the last one @odata.deltaLink (never both);
//     $deltatoken=latest answers no users and a deltaLink from now ("sync
//     from now", supported by Entra ID resources such as users); a token
//     the service cannot serve any more answers 410 Gone and the client
//     must resynchronise in full. Delta links of directory objects live
//     seven days, then answer syncStateNotFound
//     (https://devblogs.microsoft.com/microsoft365dev/duration-of-change-tracking-tokens-for-identity-and-education-resources/).
//   - Page size: Graph serves directory delta pages of at most 200
//     objects, Prefer: odata.maxpagesize=N lowers it (Microsoft Q&A 2052165;
//     microsoft-graph-docs issue 7160 for $top being ignored).

// deltaMaxPage is Graph's largest users/delta page.
const deltaMaxPage = 200

// isUsersDelta reports whether a lower-cased path below /v1.0/ is the
// users delta function, with or without its namespace and parentheses
// (the SDK sends /users/delta()).
func isUsersDelta(lower string) bool {
	switch lower {
	case "users/delta", "users/delta()", "users/microsoft.graph.delta", "users/microsoft.graph.delta()":
		return true
	}
	return false
}

// deltaCursor is the state a users/delta token carries.
type deltaCursor struct {
	next    bool   // a nextLink (mid-round) rather than a deltaLink
	initial bool   // the round enumerates every live user
	epoch   uint64 // ExpireDeltaTokens generation
	since   uint64 // changes after this version...
	upto    uint64 // ...up to this one (the round's end; a deltaLink's start)
	offset  uint64
	sel     string // the $select of the first request
}

const deltaHeader = 1 + 1 + 4*8

func (c deltaCursor) encode() []byte {
	b := make([]byte, deltaHeader, deltaHeader+len(c.sel))
	if c.next {
		b[0] = 'n'
	} else {
		b[0] = 'd'
	}
	if c.initial {
		b[1] = 1
	}
	for i, v := range []uint64{c.epoch, c.since, c.upto, c.offset} {
		binary.BigEndian.PutUint64(b[2+8*i:], v)
	}
	return append(b, c.sel...)
}

// deltaToken is an opaque, MAC-signed token, like the skip tokens of
// GET /users (users.go): a forged or altered token is refused.
func (s *Server) deltaToken(c deltaCursor) string {
	b := c.encode()
	return b64.EncodeToString(append(b, s.deltaMAC(b)...))
}

func (s *Server) decodeDeltaToken(tok string, next bool) (deltaCursor, bool) {
	b, err := b64.DecodeString(tok)
	if err != nil || len(b) < deltaHeader+12 {
		return deltaCursor{}, false
	}
	body, mac := b[:len(b)-12], b[len(b)-12:]
	if !hmac.Equal(mac, s.deltaMAC(body)) || (body[0] == 'n') != next {
		return deltaCursor{}, false
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(body[2+8*i:]) }
	return deltaCursor{next: next, initial: body[1] == 1, epoch: u(0), since: u(1), upto: u(2), offset: u(3),
		sel: string(body[deltaHeader:])}, true
}

func (s *Server) deltaMAC(b []byte) []byte {
	m := hmac.New(sha256.New, []byte(s.ClientSecret()))
	m.Write([]byte("usersDelta"))
	m.Write(b)
	return m.Sum(nil)[:12]
}

func syncStateNotFound() *GraphError {
	return &GraphError{Status: http.StatusGone, Code: "syncStateNotFound",
		Message: "The sync state generation is not found. The delta token is expired and data must be synchronized again."}
}

// deltaEntry is one item of a delta round: a user index, removed or not.
type deltaEntry struct {
	index   int
	removed bool
	soft    bool
}

// serveUsersDelta answers GET /users/delta: the first request of a
// round (no token: every live user; $deltatoken: the changes since that
// link; $deltatoken=latest: none, and a link from now) or a later page
// ($skiptoken).
func (s *Server) serveUsersDelta(w http.ResponseWriter, r *http.Request, _ string) {
	v := r.URL.Query()
	get := func(name string) (string, bool) {
		for _, k := range []string{"$" + name, name} {
			if x, ok := v[k]; ok {
				return x[0], true
			}
		}
		return "", false
	}
	for _, o := range unsupportedOptions {
		if _, ok := get(o); ok {
			s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
				Message: fmt.Sprintf("The query option '$%s' is not supported by the simulator's users/delta.", o)})
			return
		}
	}
	cur, gerr := s.deltaRound(get)
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	sel, ok := selectList(cur.sel)
	if !ok {
		s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Syntax error in $select '" + cur.sel + "'."})
		return
	}
	props, unknown := resolveSelect(sel)
	if unknown != "" {
		s.graphError(w, r, unknownProperty(unknown, "user"))
		return
	}
	s.writeDeltaPage(w, r, cur, sel, props, deltaPageSize(r))
}

// deltaRound resolves the request's tokens into the cursor of the page to
// serve; a token from before ExpireDeltaTokens, forged or of the wrong
// kind is syncStateNotFound.
func (s *Server) deltaRound(get func(string) (string, bool)) (deltaCursor, *GraphError) {
	t := &s.tenant.delta
	t.mu.Lock()
	version, epoch := t.version, t.epoch
	t.mu.Unlock()
	sel, _ := get("select")
	if tok, ok := get("skiptoken"); ok {
		cur, ok := s.decodeDeltaToken(tok, true)
		if !ok || cur.epoch != epoch {
			return cur, syncStateNotFound()
		}
		return cur, nil
	}
	tok, ok := get("deltatoken")
	switch {
	case !ok:
		return deltaCursor{initial: true, epoch: epoch, upto: version, sel: sel}, nil
	case tok == "latest":
		return deltaCursor{epoch: epoch, since: version, upto: version, sel: sel}, nil
	}
	cur, ok := s.decodeDeltaToken(tok, false)
	if !ok || cur.epoch != epoch {
		return cur, syncStateNotFound()
	}
	return deltaCursor{epoch: epoch, since: cur.upto, upto: version, sel: cur.sel}, nil
}

// deltaPageSize is Prefer: odata.maxpagesize, at most deltaMaxPage.
func deltaPageSize(r *http.Request) int {
	for _, pref := range strings.Split(r.Header.Get("Prefer"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(pref), "odata.maxpagesize="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return min(n, deltaMaxPage)
			}
		}
	}
	return deltaMaxPage
}

// entries lists the users that changed or were removed in (since, upto],
// by index. A user changed after upto is left to the next round, whose
// since is this round's upto.
func (d *deltaState) entries(since, upto uint64) []deltaEntry {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []deltaEntry
	for i, v := range d.deletedAt {
		if v > since && v <= upto {
			out = append(out, deltaEntry{index: i, removed: true, soft: d.soft[i]})
		}
	}
	for i, v := range d.changedAt {
		if dv, gone := d.deletedAt[i]; gone && dv <= upto {
			continue
		}
		if v > since && v <= upto {
			out = append(out, deltaEntry{index: i})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].index < out[b].index })
	return out
}

// writeDeltaPage answers one page of the round cur, from cur.offset: a
// nextLink when more remain, else the deltaLink of the next round.
func (s *Server) writeDeltaPage(w http.ResponseWriter, r *http.Request, cur deltaCursor, sel []string, props []userProp, size int) {
	var total int
	var entry func(i int) deltaEntry
	if cur.initial {
		total = s.tenant.liveCount()
		entry = func(i int) deltaEntry { return deltaEntry{index: s.tenant.liveIndex(i)} }
	} else {
		list := s.tenant.delta.entries(cur.since, cur.upto)
		total = len(list)
		entry = func(i int) deltaEntry { return list[i] }
	}
	start := min(int(cur.offset), total)
	end := min(start+size, total)
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"@odata.context":`...)
	b = appendString(b, s.context("users", sel, false))
	b = append(b, `,"value":[`...)
	for i := start; i < end; i++ {
		if i > start {
			b = append(b, ',')
		}
		e := entry(i)
		if e.removed {
			reason := "deleted"
			if e.soft {
				reason = "changed"
			}
			b = append(b, `{"@odata.type":"#microsoft.graph.user","id":`...)
			b = appendString(b, userGUID(s.tenant.seed, e.index))
			b = append(b, `,"@removed":{"reason":"`+reason+`"}}`...)
			continue
		}
		u := s.tenant.simUser(e.index)
		b = appendUser(b, &u, props)
	}
	b = append(b, ']')
	if end < total {
		next := cur
		next.next, next.offset = true, uint64(end)
		b = append(b, `,"@odata.nextLink":`...)
		b = appendString(b, s.URL()+"/v1.0/users/delta?$skiptoken="+s.deltaToken(next))
	} else {
		link := deltaCursor{epoch: cur.epoch, upto: cur.upto, sel: cur.sel}
		b = append(b, `,"@odata.deltaLink":`...)
		b = appendString(b, s.URL()+"/v1.0/users/delta?$deltatoken="+s.deltaToken(link))
	}
	b = append(b, '}')
	graphOK(w, http.StatusOK, b)
}
