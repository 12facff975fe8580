package graphtest

import (
	"net/http"
	"strings"
)

// Delta tokens the users/delta imitation answers (see ServeUsersDelta).
const (
	DeltaRound2  = "round2"  // changes: user 2 changed, user 1 removed
	DeltaExpired = "round3"  // 410 Gone, syncStateNotFound
	DeltaBad400  = "badsync" // 400 BadRequest, syncStateNotFound (the seven-day expiry form)
)

// ServeUsersDelta adds GET /users/delta to the imitation, shaped like the
// examples of https://learn.microsoft.com/graph/api/user-delta and
// https://learn.microsoft.com/graph/delta-query-users: the initial round
// is two pages (users 1 and 2 with a nextLink, then user 3 with a
// deltaLink to DeltaRound2); DeltaRound2 returns user 2 changed and user 1
// as {"@removed": {"reason": "changed"}} with a deltaLink to DeltaExpired;
// $deltatoken=latest returns no users and a deltaLink to DeltaRound2.
// Requests without the extract.UserSelect $select on the first call, or
// without Prefer: odata.maxpagesize, fail the test. Other paths go to the
// Hook in place before.
func (f *Server) ServeUsersDelta() {
	prev := f.Hook
	f.Hook = func(path string, n int, w http.ResponseWriter, r *http.Request) bool {
		if path != "/users/delta()" && path != "/users/delta" {
			return prev != nil && prev(path, n, w, r)
		}
		f.usersDelta(w, r)
		return true
	}
}

func (f *Server) usersDelta(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !strings.HasPrefix(r.Header.Get("Prefer"), "odata.maxpagesize=") {
		f.t.Errorf("users/delta: got Prefer %q, want odata.maxpagesize", r.Header.Get("Prefer"))
	}
	link := func(kind, token string) string {
		return `"@odata.` + kind + `Link":"` + f.URL() + `/v1.0/users/delta?$` + map[string]string{"next": "skip", "delta": "delta"}[kind] + `token=` + token + `"`
	}
	const ctx = `"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users"`
	switch skip, delta := q.Get("$skiptoken"), q.Get("$deltatoken"); {
	case skip == "page2":
		writeRaw(w, `{`+ctx+`,"value":[`+userJSON(3)+`],`+link("delta", DeltaRound2)+`}`)
	case delta == DeltaRound2:
		changed := strings.Replace(userJSON(2), `"department":"Sales"`, `"department":"Finance"`, 1)
		writeRaw(w, `{`+ctx+`,`+link("delta", DeltaExpired)+`,"value":[`+changed+
			`,{"@odata.type":"#microsoft.graph.user","id":"00000000-0000-0000-0000-000000000001","@removed":{"reason":"changed"}}]}`)
	case delta == DeltaExpired:
		WriteGraphError(w, http.StatusGone, "syncStateNotFound", "The sync state generation is not found.")
	case delta == DeltaBad400:
		WriteGraphError(w, http.StatusBadRequest, "syncStateNotFound",
			"The sync state generation is not found. The delta token is expired and data must be synchronized again.")
	case delta == "latest":
		writeRaw(w, `{`+ctx+`,"value":[],`+link("delta", DeltaRound2)+`}`)
	case skip == "" && delta == "":
		if !strings.Contains(q.Get("$select"), "licenseAssignmentStates") {
			f.t.Errorf("users/delta: got query %q, want the extract.UserSelect fields", r.URL.RawQuery)
		}
		writeRaw(w, `{`+ctx+`,`+link("next", "page2")+`,"value":[`+userJSON(1)+`,`+userJSON(2)+`]}`)
	default:
		WriteGraphError(w, http.StatusBadRequest, "Request_BadRequest", "unknown token")
	}
}
