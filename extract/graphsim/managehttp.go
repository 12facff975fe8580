package graphsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// The HTTP side of licence management (manage.go): PATCH /users/{id},
// GET /groups/{id}, POST /groups/{id}/assignLicense, POST
// /groups/{id}/members/$ref and DELETE /groups/{id}/members/{id}/$ref.

// Application permissions of the write operations, least privileged first
// (Graph's permission tables for user-update, group-assignlicense,
// group-post-members and group-delete-members).
var (
	writeUser         = []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}
	writeGroupLicence = []string{"LicenseAssignment.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}
	writeMembers      = []string{"GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}
)

// groupRoute maps a method and a path below /v1.0/ whose segments segs
// start with groups/{id} to an operation.
func (s *Server) groupRoute(method string, segs []string) (*graphRoute, *GraphError) {
	id, want := segs[1], http.MethodGet
	var rt *graphRoute
	switch {
	case len(segs) == 2:
		rt = &graphRoute{"group", readGroups, s.serveGroup, id}
	case len(segs) == 3 && (strings.EqualFold(segs[2], "assignLicense") || strings.EqualFold(segs[2], "microsoft.graph.assignLicense")):
		want, rt = http.MethodPost, &graphRoute{"groupAssignLicense", writeGroupLicence, s.serveGroupAssignLicense, id}
	case len(segs) == 4 && strings.EqualFold(segs[2], "members") && segs[3] == "$ref":
		want, rt = http.MethodPost, &graphRoute{"addMember", writeMembers, s.serveAddMember, id}
	case len(segs) == 5 && strings.EqualFold(segs[2], "members") && segs[4] == "$ref":
		want, rt = http.MethodDelete, &graphRoute{"removeMember", writeMembers, s.serveRemoveMember, id + "/" + segs[3]}
	default:
		return nil, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
			Message: fmt.Sprintf("Resource not found for the segment '%s'.", segs[len(segs)-1])}
	}
	if method != want {
		return nil, methodNotAllowed()
	}
	return rt, nil
}

// fail answers err: a *GraphError as Graph words it, anything else 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ge, ok := err.(*GraphError); ok {
		s.graphError(w, r, ge)
		return
	}
	s.graphError(w, r, &GraphError{Status: http.StatusInternalServerError, Code: "UnknownError", Message: err.Error()})
}

// patchUser answers PATCH /users/{id | userPrincipalName}: 204. Only
// usageLocation is simulated; any other property is refused.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, key string) {
	var body map[string]json.RawMessage
	if err := decodeBody(r, &body); err != nil {
		s.graphError(w, r, badRequest("Invalid request body: %v", err))
		return
	}
	for name := range body {
		if name != "usageLocation" {
			s.graphError(w, r, badRequest("Property '%s' cannot be updated by the simulator: only 'usageLocation' is supported.", name))
			return
		}
	}
	raw, ok := body["usageLocation"]
	if !ok {
		w.WriteHeader(http.StatusNoContent) // nothing to change
		return
	}
	var code *string
	if err := json.Unmarshal(raw, &code); err != nil || (code != nil && *code == "") {
		s.graphError(w, r, badRequest("Invalid value specified for property 'usageLocation' of resource 'User'."))
		return
	}
	set := ""
	if code != nil {
		set = *code
	}
	if err := s.tenant.SetUsageLocation(key, set); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serveGroup answers GET /groups/{id} for a licence group.
func (s *Server) serveGroup(w http.ResponseWriter, r *http.Request, id string) {
	q, gerr := s.parseQuery(r, "groups")
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	props := groupProps
	if len(q.sel) > 0 {
		props = nil
		for _, n := range q.sel {
			p := canonical(groupProps, n)
			if p == "" {
				s.graphError(w, r, unknownProperty(n, "group"))
				return
			}
			props = append(props, p)
		}
	}
	g, ok := s.tenant.Group(id)
	if !ok {
		s.graphError(w, r, notFound(id))
		return
	}
	s.writeGroup(w, http.StatusOK, g, props, s.context("groups", q.sel, true))
}

func (s *Server) writeGroup(w http.ResponseWriter, status int, g extract.Group, props []string, context string) {
	b := append([]byte(`{"@odata.context":`), appendString(nil, context)...)
	b = append(b, ',')
	b = append(b, s.appendGroup(nil, g, props)[1:]...)
	graphOK(w, status, b)
}

// decodeAssign reads an assignLicense body; both lists are required by
// Graph, [] meaning none. resource (User or Group) is what Graph's message
// names.
func decodeAssign(r *http.Request, resource string) ([]extract.AssignedLicense, []string, *GraphError) {
	var body struct {
		AddLicenses []struct {
			DisabledPlans []string `json:"disabledPlans"`
			SkuID         string   `json:"skuId"`
		} `json:"addLicenses"`
		RemoveLicenses []string `json:"removeLicenses"`
	}
	if err := decodeBody(r, &body); err != nil {
		return nil, nil, badRequest("Invalid request body: %v", err)
	}
	missing := ""
	switch {
	case body.AddLicenses == nil:
		missing = "addLicenses"
	case body.RemoveLicenses == nil:
		missing = "removeLicenses"
	}
	if missing != "" {
		return nil, nil, badRequest("Invalid value specified for property '%s' of resource '%s'.", missing, resource)
	}
	add := make([]extract.AssignedLicense, len(body.AddLicenses))
	for i, a := range body.AddLicenses {
		add[i] = extract.AssignedLicense{SkuID: a.SkuID, DisabledPlans: a.DisabledPlans}
	}
	return add, body.RemoveLicenses, nil
}

// serveGroupAssignLicense answers POST /groups/{id}/assignLicense with
// 202 Accepted and the group, as Graph does (it then processes the members
// in the background; the simulator has already).
// https://learn.microsoft.com/graph/api/group-assignlicense
func (s *Server) serveGroupAssignLicense(w http.ResponseWriter, r *http.Request, id string) {
	add, remove, gerr := decodeAssign(r, "Group")
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	g, err := s.tenant.AssignGroupLicense(id, add, remove)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", s.URL()+"/v2/"+s.tenant.TenantID()+"/directoryObjects/"+g.ID+"/Microsoft.DirectoryServices.Group")
	s.writeGroup(w, http.StatusAccepted, g, groupProps, s.context("groups", nil, true))
}

// serveAddMember answers POST /groups/{id}/members/$ref with body
// {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}:
// 204. The reference may name directoryObjects or users, on any host.
func (s *Server) serveAddMember(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Ref string `json:"@odata.id"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.graphError(w, r, badRequest("Invalid request body: %v", err))
		return
	}
	member, ok := refID(body.Ref)
	if !ok {
		s.graphError(w, r, badRequest("Invalid object identifier '%s'.", body.Ref))
		return
	}
	if err := s.tenant.AddGroupMember(id, member); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refID returns the object id an @odata.id reference ends with.
func refID(ref string) (string, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", false
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[len(segs)-1] == "" {
		return "", false
	}
	switch strings.ToLower(segs[len(segs)-2]) {
	case "directoryobjects", "users":
		return segs[len(segs)-1], true
	}
	return "", false
}

// serveRemoveMember answers DELETE /groups/{id}/members/{id}/$ref: 204.
func (s *Server) serveRemoveMember(w http.ResponseWriter, r *http.Request, ids string) {
	group, member, _ := strings.Cut(ids, "/")
	if err := s.tenant.RemoveGroupMember(group, member); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
