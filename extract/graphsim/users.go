package graphsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// query is the OData query of a collection request. Graph accepts the
// options with or without the "$" prefix on v1.0.
type query struct {
	sel       []string
	selRaw    string
	top       int
	topSet    bool
	offset    int
	hasCursor bool
}

// unsupportedOptions are OData options the simulator does not implement;
// it refuses them rather than ignore them silently.
var unsupportedOptions = []string{"filter", "search", "orderby", "count", "expand", "skip"}

// queryOptions returns a getter of r's OData query options by name, with
// or without the "$" (Graph takes both).
func queryOptions(r *http.Request) func(name string) (string, bool) {
	v := r.URL.Query()
	return func(name string) (string, bool) {
		if x, ok := v["$"+name]; ok {
			return x[0], true
		}
		x, ok := v[name]
		if ok {
			return x[0], true
		}
		return "", false
	}
}

func (s *Server) parseQuery(r *http.Request, kind string) (query, *GraphError) {
	var q query
	get := queryOptions(r)
	for _, o := range unsupportedOptions {
		if _, ok := get(o); ok {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
				Message: fmt.Sprintf("The query option '$%s' is not supported by the simulator.", o)}
		}
	}
	raw, _ := get("select")
	sel, ok := selectList(raw)
	if !ok {
		return q, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Syntax error: character ',' is not valid at position 0 in '" + raw + "'."}
	}
	q.sel, q.selRaw, q.top = sel, raw, s.opts.PageSize
	maxTop := 999
	if kind == "users" && selectsSignIn(sel) {
		q.top, maxTop = signInActivityTop, signInActivityTop
	}
	if t, ok := get("top"); ok {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 999 {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "Request_UnsupportedQuery",
				Message: fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", t)}
		}
		if n > maxTop {
			return q, tooManySignInUsers()
		}
		q.top, q.topSet = n, true
	}
	if tok, ok := get("skiptoken"); ok {
		off, ok := s.decodeSkipToken(kind, tok)
		if !ok {
			return q, &GraphError{Status: http.StatusBadRequest, Code: "Directory_ExpiredPageToken",
				Message: "The specified page token value has expired and can no longer be included in your request."}
		}
		q.offset, q.hasCursor = off, true
	}
	return q, nil
}

// Skip tokens are opaque to clients: "DSpt" (what real tokens decode to
// start with), the offset, and a MAC so that forged tokens fail.
func (s *Server) encodeSkipToken(kind string, offset int) string {
	b := make([]byte, 4+8, 4+8+12)
	copy(b, "DSpt")
	binary.BigEndian.PutUint64(b[4:], uint64(offset))
	return b64.EncodeToString(append(b, s.skipMAC(kind, b[4:12])...))
}

func (s *Server) decodeSkipToken(kind, tok string) (int, bool) {
	b, err := b64.DecodeString(tok)
	if err != nil || len(b) != 24 || string(b[:4]) != "DSpt" || !hmac.Equal(b[12:], s.skipMAC(kind, b[4:12])) {
		return 0, false
	}
	return int(binary.BigEndian.Uint64(b[4:12])), true
}

func (s *Server) skipMAC(kind string, offset []byte) []byte {
	m := hmac.New(sha256.New, []byte(s.ClientSecret()))
	m.Write([]byte(kind))
	m.Write(offset)
	return m.Sum(nil)[:12]
}

// page is one page of a collection, rendered by item.
type page struct {
	kind    string // users or groups
	q       query
	total   int
	context string
	item    func(b []byte, i int) []byte
}

// writePage answers one page with @odata.nextLink on every page but the
// last. Graph does not fix the order of the annotations: on odd pages the
// nextLink comes before value.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, p page) {
	end := min(p.q.offset+p.q.top, p.total)
	next := ""
	if end < p.total {
		next = s.nextLink(r, p, end)
	}
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"@odata.context":`...)
	b = appendString(b, p.context)
	early := (p.q.offset/p.q.top)%2 == 1
	if next != "" && early {
		b = append(b, `,"@odata.nextLink":`...)
		b = appendString(b, next)
	}
	b = append(b, `,"value":[`...)
	for i := p.q.offset; i < end; i++ {
		if i > p.q.offset {
			b = append(b, ',')
		}
		b = p.item(b, i)
	}
	b = append(b, ']')
	if next != "" && !early {
		b = append(b, `,"@odata.nextLink":`...)
		b = appendString(b, next)
	}
	b = append(b, '}')
	if (p.kind == "users" || p.kind == "groups") && unit(s.opts.Seed, int64(p.q.offset), 4) < s.opts.SlowPages {
		if !s.sleep(r.Context(), s.opts.SlowPageDelay) {
			return
		}
	}
	graphOK(w, http.StatusOK, b)
}

// nextLink is absolute and repeats $select and $top, like Graph's.
func (s *Server) nextLink(r *http.Request, p page, offset int) string {
	var parts []string
	if p.q.selRaw != "" {
		parts = append(parts, "$select="+strings.Join(p.q.sel, ","))
	}
	if p.q.topSet {
		parts = append(parts, "$top="+strconv.Itoa(p.q.top))
	}
	parts = append(parts, "$skiptoken="+s.encodeSkipToken(p.kind, offset))
	return s.URL() + "/v1.0/" + p.kind + "?" + strings.Join(parts, "&")
}

func (s *Server) context(kind string, sel []string, entity bool) string {
	c := s.URL() + "/v1.0/$metadata#" + kind
	if len(sel) > 0 {
		c += "(" + strings.Join(sel, ",") + ")"
	}
	if entity {
		c += "/$entity"
	}
	return c
}

// serveUsers answers GET /users, a page at a time, rebuilding each user
// from the seed: memory stays flat whatever the tenant size.
func (s *Server) serveUsers(w http.ResponseWriter, r *http.Request, _ string) {
	q, props, signIn, ok := s.userQuery(w, r)
	if !ok {
		return
	}
	s.writePage(w, r, page{kind: "users", q: q, total: s.tenant.liveCount(), context: s.context("users", q.sel, false),
		item: func(b []byte, i int) []byte {
			idx := s.tenant.liveIndex(i) // users deleted by Churn are skipped
			u := s.tenant.simUser(idx)
			if signIn {
				u.signIn = s.tenant.userSignIns(idx)
			}
			return appendUser(b, &u, props)
		}})
}

// userQuery parses a users request's query and $select; on a bad one it
// answers Graph's error and returns false. signIn says whether $select
// asks for signInActivity, which an identity-and-access report admits
// (reportGate).
func (s *Server) userQuery(w http.ResponseWriter, r *http.Request) (q query, props []userProp, signIn, ok bool) {
	q, gerr := s.parseQuery(r, "users")
	if gerr != nil {
		s.graphError(w, r, gerr)
		return q, nil, false, false
	}
	props, signIn, unknown := resolveUserSelect(q.sel)
	if unknown != "" {
		s.graphError(w, r, unknownProperty(unknown, "user"))
		return q, nil, false, false
	}
	if signIn && !s.reportGate(w, r) {
		return q, nil, false, false
	}
	return q, props, signIn, true
}

func unknownProperty(name, typ string) *GraphError {
	return &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
		Message: fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", name, typ)}
}

// serveUser answers GET /users/{id | userPrincipalName}.
func (s *Server) serveUser(w http.ResponseWriter, r *http.Request, key string) {
	q, props, signIn, ok := s.userQuery(w, r)
	if !ok {
		return
	}
	if signIn && !isGUID(key) { // by user principal name (learn.microsoft.com Q&A 1311910)
		s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
			Message: "Get By Key only supports UserId and the key has to be a valid Guid"})
		return
	}
	i, ok := s.tenant.Lookup(key)
	if !ok {
		s.graphError(w, r, notFound(key))
		return
	}
	u := s.tenant.simUser(i)
	if signIn {
		u.signIn = s.tenant.userSignIns(i)
	}
	b := append([]byte(`{"@odata.context":`), appendString(nil, s.context("users", q.sel, true))...)
	b = append(b, ',')
	user := appendUser(nil, &u, props)
	b = append(b, user[1:]...)
	graphOK(w, http.StatusOK, b)
}
