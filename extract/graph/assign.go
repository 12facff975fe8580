package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// wireAssign is the body of POST /users/{id}/assignLicense. Both lists are
// required by Graph, an empty list meaning "none": nil slices would encode
// as null and be refused, so they are always made non-nil.
// https://learn.microsoft.com/graph/api/user-assignlicense#request-body
type wireAssign struct {
	AddLicenses    []wireLicense `json:"addLicenses"`
	RemoveLicenses []string      `json:"removeLicenses"`
}

// assignBody encodes ch as an assignLicense body.
func assignBody(ch extract.LicenseChange) (json.RawMessage, error) {
	w := wireAssign{AddLicenses: []wireLicense{}, RemoveLicenses: []string{}}
	for _, a := range ch.Add {
		plans := a.DisabledPlans
		if plans == nil {
			plans = []string{}
		}
		w.AddLicenses = append(w.AddLicenses, wireLicense{SkuID: a.SkuID, DisabledPlans: plans})
	}
	w.RemoveLicenses = append(w.RemoveLicenses, ch.Remove...)
	return json.Marshal(w)
}

// userPath is /users/{id} with id escaped for a path segment.
func userPath(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return "", fmt.Errorf("user id %q: not an object id", id)
	}
	return "/users/" + url.PathEscape(id), nil
}

// AssignLicenses makes one assignLicense call per change (POST
// /users/{id}/assignLicense), sent in $batch requests of at most 20, and
// returns one result per change, in order. Graph's answer to each call
// stands alone: a 400 for one user (no usage location, a licence held
// only through a group, no free units) leaves the others done. Calls
// throttled inside a batch are sent again after their Retry-After. The
// error is for a whole batch failing (permission missing, outage); the
// results then say which calls were never answered (Status 0).
func (c *Client) AssignLicenses(ctx context.Context, changes []extract.LicenseChange) ([]extract.LicenseResult, error) {
	items := make([]batchItem, len(changes))
	for i, ch := range changes {
		p, err := userPath(ch.UserID)
		if err != nil {
			return nil, fmt.Errorf("assignLicense change %d: %w", i+1, err)
		}
		body, err := assignBody(ch)
		if err != nil {
			return nil, fmt.Errorf("encode assignLicense for user %s: %w", ch.UserID, err)
		}
		items[i] = batchItem{Method: "POST", URL: p + "/assignLicense",
			Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
	}
	answers, err := c.batch(ctx, "assignLicense", items)
	out := make([]extract.LicenseResult, len(changes))
	for i, a := range answers {
		out[i] = result(changes[i].UserID, a, false)
	}
	return out, err
}

// UserLicenses reads the licence state of each user (GET /users/{id} with
// extract.LicenseSelect), in $batch requests of at most 20, and returns
// one result per id, in order, the user in its User field. An unknown user
// is a result with Status 404, not an error.
func (c *Client) UserLicenses(ctx context.Context, ids []string) ([]extract.LicenseResult, error) {
	items := make([]batchItem, len(ids))
	sel := "?$select=" + strings.Join(extract.LicenseSelect, ",")
	for i, id := range ids {
		p, err := userPath(id)
		if err != nil {
			return nil, fmt.Errorf("read licences %d: %w", i+1, err)
		}
		items[i] = batchItem{Method: "GET", URL: p + sel}
	}
	answers, err := c.batch(ctx, "user", items)
	out := make([]extract.LicenseResult, len(ids))
	for i, a := range answers {
		out[i] = result(ids[i], a, true)
	}
	return out, err
}

// result turns a batch answer into a LicenseResult; with decode, a 2xx
// body is the user.
func result(id string, a batchAnswer, decode bool) extract.LicenseResult {
	r := extract.LicenseResult{UserID: id, Status: a.Status}
	if !r.OK() {
		r.Code, r.Message = itemError(a)
		return r
	}
	if !decode {
		return r
	}
	var w wireUser
	if err := json.Unmarshal(a.Body, &w); err != nil {
		r.Status, r.Code, r.Message = 0, "BadResponse", fmt.Sprintf("%v: decode user: %v", ErrBadResponse, err)
		return r
	}
	u, err := w.record()
	if err != nil {
		r.Status, r.Code, r.Message = 0, "BadResponse", err.Error()
		return r
	}
	r.User = u
	return r
}
