package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/seatledger/seatledger/extract"
)

// ErrDeltaExpired means Graph refused a users delta link: 410 Gone, or
// the error code syncStateNotFound or resyncRequired (an expired link
// answers 400 syncStateNotFound according to the 2020 announcement of the
// seven-day lifetime,
// https://devblogs.microsoft.com/microsoft365dev/duration-of-change-tracking-tokens-for-identity-and-education-resources/).
// The caller must synchronise in full again
// (https://learn.microsoft.com/graph/delta-query-overview).
// It is extract.ErrDeltaExpired, so that callers that know only package
// extract can match it too.
var ErrDeltaExpired = extract.ErrDeltaExpired

var _ extract.DeltaSource = (*Client)(nil)

// endpointUsersDelta is the Observe and APIError endpoint name of
// GET /users/delta.
const endpointUsersDelta = "usersDelta"

// deltaMark is what tells a removed user from a changed one.
type deltaMark struct {
	ID      string `json:"id"`
	Removed *struct {
		Reason string `json:"reason"` // changed (soft-deleted) or deleted
	} `json:"@removed"`
}

// deltaEnvelope is a users/delta page without the users' properties.
type deltaEnvelope struct {
	NextLink  string      `json:"@odata.nextLink"`
	DeltaLink string      `json:"@odata.deltaLink"`
	Value     []deltaMark `json:"value"`
}

// UsersDelta follows GET /users/delta
// (https://learn.microsoft.com/graph/api/user-delta) selecting
// extract.UserSelect, licenseAssignmentStates included: Graph does not
// track changes of that property, but a user whose assignedLicenses (group
// licences included) or other properties changed comes back whole, with
// its current states. An empty deltaLink starts an initial round that
// enumerates every user; otherwise the round returns the users changed
// (or added) and the ids removed since deltaLink was issued. page is
// called per non-empty page and must not keep the slices. It returns the
// @odata.deltaLink of the next round.
//
// Graph serves delta pages of at most 200 users whatever $top says;
// Prefer: odata.maxpagesize asks for Config.PageSize (lowering it only).
// A refused link gives an error matching ErrDeltaExpired. The links are
// capabilities: they never appear in errors or logs.
func (c *Client) UsersDelta(ctx context.Context, deltaLink string, page func(changed []extract.User, removed []string) error) (string, error) {
	p := c.deltaPager(ctx, false)
	seen := map[string]bool{}
	link := deltaLink
	var buf []extract.User
	for n := 1; ; n++ {
		env, data, err := c.deltaPage(ctx, p, n, link)
		if err != nil {
			return "", err
		}
		var removed []string
		if buf, removed, err = decodeDelta(env, data, buf); err != nil {
			return "", fmt.Errorf("list %s page %d: %w", endpointUsersDelta, n, err)
		}
		if len(buf) > 0 || len(removed) > 0 {
			if err := page(buf, removed); err != nil {
				return "", err
			}
		}
		if env.NextLink == "" {
			return env.DeltaLink, nil
		}
		if seen[env.NextLink] {
			return "", fmt.Errorf("list %s page %d: %w", endpointUsersDelta, n, ErrPagingLoop)
		}
		seen[env.NextLink] = true
		link = env.NextLink
	}
}

// UsersDeltaLatest returns a users delta link from now, without reading
// any user ($deltatoken=latest, "sync from now", which Entra ID resources
// support: https://learn.microsoft.com/graph/delta-query-overview). Taken
// just before a full GET /users, it lets the next run read only what
// changed since: a change made while the users are being listed comes
// back again then, which is harmless.
func (c *Client) UsersDeltaLatest(ctx context.Context) (string, error) {
	env, _, err := c.deltaPage(ctx, c.deltaPager(ctx, true), 1, "")
	if err != nil {
		return "", err
	}
	if env.NextLink != "" || len(env.Value) > 0 {
		return "", fmt.Errorf("list %s latest: %w: want no users and no @odata.nextLink", endpointUsersDelta, ErrBadResponse)
	}
	return env.DeltaLink, nil
}

// deltaPager builds the requests of a round; latest asks for a link from
// now instead of the initial enumeration.
func (c *Client) deltaPager(ctx context.Context, latest bool) pager[deltaMark] {
	b := users.NewDeltaRequestBuilderInternal(map[string]string{}, c.adapter)
	prefer := "odata.maxpagesize=" + strconv.Itoa(c.cfg.PageSize)
	withURL := func(ctx context.Context, link string) (*abs.RequestInformation, error) {
		ri, err := b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		if err == nil {
			ri.Headers.Add("Prefer", prefer)
		}
		return ri, err
	}
	first := func(ctx context.Context) (*abs.RequestInformation, error) {
		ri, err := b.ToGetRequestInformation(ctx, &users.DeltaRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.DeltaRequestBuilderGetQueryParameters{Select: extract.UserSelect},
		})
		if err != nil || !latest {
			if err == nil {
				ri.Headers.Add("Prefer", prefer)
			}
			return ri, err
		}
		ri.PathParameters["baseurl"] = c.adapter.GetBaseUrl() // the adapter sets it only when sending
		u, err := ri.GetUri()
		if err != nil {
			return nil, err
		}
		q := u.Query()
		q.Set("$deltatoken", "latest")
		u.RawQuery = q.Encode()
		return withURL(ctx, u.String())
	}
	return pager[deltaMark]{c: c, endpoint: endpointUsersDelta, first: first, withURL: withURL}
}

// deltaPage fetches page n of a round (link empty: the round's first
// request) and decodes its envelope. Errors never carry the link.
func (c *Client) deltaPage(ctx context.Context, p pager[deltaMark], n int, link string) (deltaEnvelope, []byte, error) {
	var env deltaEnvelope
	if link != "" {
		if err := sameHost(link, c.graph); err != nil {
			return env, nil, fmt.Errorf("list %s page %d: %w", endpointUsersDelta, n, err)
		}
	}
	data, next, err := p.get(ctx, n, link)
	if err != nil {
		return env, nil, deltaRefused(err)
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return env, nil, fmt.Errorf("list %s page %d: %w: decode JSON: %w", endpointUsersDelta, n, ErrBadResponse, err)
	}
	switch {
	case env.NextLink != next:
		err = errors.New("@odata.nextLink read ahead differs from the decoded one")
	case env.NextLink != "" && env.DeltaLink != "":
		err = errors.New("both @odata.nextLink and @odata.deltaLink")
	case env.NextLink == "" && env.DeltaLink == "":
		err = errors.New("neither @odata.nextLink nor @odata.deltaLink")
	case env.DeltaLink != "":
		err = sameHost(env.DeltaLink, c.graph)
	}
	if err != nil {
		return env, nil, fmt.Errorf("list %s page %d: %w: %w", endpointUsersDelta, n, ErrBadResponse, err)
	}
	return env, data, nil
}

// decodeDelta splits a page into changed users (decoded like GET /users,
// into buf, which is reused) and removed ids.
func decodeDelta(env deltaEnvelope, data []byte, buf []extract.User) ([]extract.User, []string, error) {
	buf = buf[:0]
	var removed []string
	changed := 0
	for _, m := range env.Value {
		if m.Removed != nil {
			removed = append(removed, m.ID)
		} else {
			changed++
		}
	}
	if changed == 0 {
		return buf, removed, nil
	}
	var full struct {
		Value []wireUser `json:"value"`
	}
	if err := json.Unmarshal(data, &full); err != nil {
		return buf, nil, fmt.Errorf("%w: decode JSON: %w", ErrBadResponse, err)
	}
	for i, m := range env.Value {
		if m.Removed != nil {
			continue
		}
		if m.ID == "" {
			return buf, nil, fmt.Errorf("%w: user without id", ErrBadResponse)
		}
		u, err := full.Value[i].record()
		if err != nil {
			return buf, nil, err
		}
		buf = append(buf, u)
	}
	return buf, removed, nil
}

// deltaRefused marks Graph's refusal of a delta or skip token.
func deltaRefused(err error) error {
	var api *APIError
	if errors.As(err, &api) && (api.Status == http.StatusGone ||
		strings.EqualFold(api.Code, "syncStateNotFound") || strings.EqualFold(api.Code, "resyncRequired")) {
		return fmt.Errorf("%w: %w", ErrDeltaExpired, err)
	}
	return err
}
