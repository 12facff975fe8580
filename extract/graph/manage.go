package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// Licence management beyond assignLicense (assign.go): usage locations,
// group licences and group membership. Every call goes through $batch
// (c.batch): one answer per request, in order, each standing alone, and
// throttled items sent again.

var jsonContent = map[string]string{"Content-Type": "application/json"}

// groupPath is /groups/{id} with id escaped for a path segment.
func groupPath(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return "", fmt.Errorf("group id %q: not an object id", id)
	}
	return "/groups/" + url.PathEscape(id), nil
}

// validUsageLocation reports whether code looks like an ISO 3166-1 alpha-2
// code: two upper-case ASCII letters. Graph checks that it is a country.
func validUsageLocation(code string) bool {
	return len(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z'
}

// SetUsageLocations sets each user's usage location (PATCH /users/{id}
// with {"usageLocation": "DE"}, which needs User.ReadWrite.All), in $batch
// requests of at most 20, and returns one result per change, in order:
// 204 No Content is success, a 400 (a code Graph does not know) or 404
// stands for that user alone. Codes are checked before anything is sent:
// a code that is not two upper-case letters is an error naming the user.
// The error is otherwise for a whole batch failing; the results then say
// which changes were never answered (Status 0).
// https://learn.microsoft.com/graph/api/user-update
func (c *Client) SetUsageLocations(ctx context.Context, changes []extract.UsageLocationChange) ([]extract.LicenseResult, error) {
	items := make([]batchItem, len(changes))
	for i, ch := range changes {
		p, err := userPath(ch.UserID)
		if err != nil {
			return nil, fmt.Errorf("usage location change %d: %w", i+1, err)
		}
		if !validUsageLocation(ch.UsageLocation) {
			return nil, fmt.Errorf("usage location of user %s: %q is not an ISO 3166-1 alpha-2 code (two upper-case letters)", ch.UserID, ch.UsageLocation)
		}
		body, err := json.Marshal(map[string]string{"usageLocation": ch.UsageLocation})
		if err != nil {
			return nil, fmt.Errorf("encode usage location of user %s: %w", ch.UserID, err)
		}
		items[i] = batchItem{Method: "PATCH", URL: p, Headers: jsonContent, Body: body}
	}
	answers, err := c.batch(ctx, "updateUser", items)
	out := make([]extract.LicenseResult, len(changes))
	for i, a := range answers {
		out[i] = result(changes[i].UserID, a, false)
	}
	return out, err
}

// AssignGroupLicense adds and removes the licences of one licence group
// (POST /groups/{id}/assignLicense, the body of the user call). Graph
// answers 202 Accepted and gives the licences to the members in the
// background; any 2xx is success. The result is shaped like a user's: its
// UserID field holds the group id. Graph's 4xx (unknown SKU, a plan that
// cannot be disabled, unknown group) is the result, not the error, which
// is for the request failing as a whole.
// https://learn.microsoft.com/graph/api/group-assignlicense
func (c *Client) AssignGroupLicense(ctx context.Context, change extract.GroupLicenseChange) (extract.LicenseResult, error) {
	p, err := groupPath(change.GroupID)
	if err != nil {
		return extract.LicenseResult{}, fmt.Errorf("group assignLicense: %w", err)
	}
	body, err := assignBody(extract.LicenseChange{Add: change.Add, Remove: change.Remove})
	if err != nil {
		return extract.LicenseResult{}, fmt.Errorf("encode assignLicense for group %s: %w", change.GroupID, err)
	}
	items := []batchItem{{Method: "POST", URL: p + "/assignLicense", Headers: jsonContent, Body: body}}
	answers, err := c.batch(ctx, "groupAssignLicense", items)
	return result(change.GroupID, answers[0], false), err
}

// GroupLicenses reads each group's licences (GET /groups/{id} selecting
// id, displayName and assignedLicenses), in $batch requests of at most
// 20, and returns one result per id, in order. An unknown group is a
// result with Status 404, not an error.
func (c *Client) GroupLicenses(ctx context.Context, ids []string) ([]extract.GroupLicenseResult, error) {
	items := make([]batchItem, len(ids))
	sel := "?$select=" + strings.Join(groupSelect, ",")
	for i, id := range ids {
		p, err := groupPath(id)
		if err != nil {
			return nil, fmt.Errorf("read group licences %d: %w", i+1, err)
		}
		items[i] = batchItem{Method: "GET", URL: p + sel}
	}
	answers, err := c.batch(ctx, "group", items)
	out := make([]extract.GroupLicenseResult, len(ids))
	for i, a := range answers {
		out[i] = groupResult(ids[i], a)
	}
	return out, err
}

// groupResult turns a batch answer into a GroupLicenseResult; a 2xx body
// is the group.
func groupResult(id string, a batchAnswer) extract.GroupLicenseResult {
	r := extract.GroupLicenseResult{GroupID: id, Status: a.Status}
	if !r.OK() {
		r.Code, r.Message = itemError(a)
		return r
	}
	var w wireGroup
	if err := json.Unmarshal(a.Body, &w); err != nil {
		r.Status, r.Code, r.Message = 0, "BadResponse", fmt.Sprintf("%v: decode group: %v", ErrBadResponse, err)
		return r
	}
	r.Group = extract.Group{ID: w.ID, DisplayName: w.DisplayName, AssignedLicenses: licenses(w.AssignedLicenses)}
	return r
}

// RemoveGroupMembers removes each user from its group (DELETE
// /groups/{id}/members/{id}/$ref, GroupMember.ReadWrite.All), in $batch
// requests of at most 20, and returns one result per removal, in order,
// UserID set: 204 No Content is success; a user who is not a member gets
// Graph's 404. Group-based licensing then takes the group's licences from
// the user, unless held otherwise.
// https://learn.microsoft.com/graph/api/group-delete-members
func (c *Client) RemoveGroupMembers(ctx context.Context, removals []extract.MemberRemoval) ([]extract.LicenseResult, error) {
	items := make([]batchItem, len(removals))
	for i, m := range removals {
		g, u, err := memberPaths(m)
		if err != nil {
			return nil, fmt.Errorf("member removal %d: %w", i+1, err)
		}
		items[i] = batchItem{Method: "DELETE", URL: g + "/members" + u + "/$ref"}
	}
	return c.memberResults(ctx, "removeMember", removals, items)
}

// AddGroupMembers undoes removals: it adds each user back to its group
// (POST /groups/{id}/members/$ref with {"@odata.id":
// "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}, the host being
// the client's Graph endpoint), in $batch requests of at most 20, and
// returns one result per addition, in order: 204 No Content is success; a
// user already a member gets Graph's 400.
// https://learn.microsoft.com/graph/api/group-post-members
func (c *Client) AddGroupMembers(ctx context.Context, additions []extract.MemberRemoval) ([]extract.LicenseResult, error) {
	items := make([]batchItem, len(additions))
	for i, m := range additions {
		g, _, err := memberPaths(m)
		if err != nil {
			return nil, fmt.Errorf("member addition %d: %w", i+1, err)
		}
		ref := c.graph.JoinPath("v1.0", "directoryObjects", m.UserID).String()
		body, err := json.Marshal(map[string]string{"@odata.id": ref})
		if err != nil {
			return nil, fmt.Errorf("encode member reference of user %s: %w", m.UserID, err)
		}
		items[i] = batchItem{Method: "POST", URL: g + "/members/$ref", Headers: jsonContent, Body: body}
	}
	return c.memberResults(ctx, "addMember", additions, items)
}

// memberPaths validates a membership's ids: /groups/{id} and /{user id}.
func memberPaths(m extract.MemberRemoval) (group, user string, err error) {
	if group, err = groupPath(m.GroupID); err != nil {
		return "", "", err
	}
	if user, err = userPath(m.UserID); err != nil {
		return "", "", fmt.Errorf("group %s: %w", m.GroupID, err)
	}
	return group, strings.TrimPrefix(user, "/users"), nil
}

func (c *Client) memberResults(ctx context.Context, endpoint string, ms []extract.MemberRemoval, items []batchItem) ([]extract.LicenseResult, error) {
	answers, err := c.batch(ctx, endpoint, items)
	out := make([]extract.LicenseResult, len(ms))
	for i, a := range answers {
		out[i] = result(ms[i].UserID, a, false)
	}
	return out, err
}
