package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/auditlogs"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/seatledger/seatledger/extract"
)

var _ extract.SignInSource = (*Client)(nil)

// The sign-in datasets (shared/research/usage-signals.md §4 and §5.1).
// Both need AuditLog.Read.All and Entra ID P1/P2: without premium Graph
// answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant, which
// surfaces as an *APIError matching ErrForbidden. Both count as the
// identity-and-access reports of Graph's throttling page (5 requests per
// 10 s per app and tenant): the 429s are retried with Retry-After like any
// other.

// Page sizes of the signInActivity read: Graph caps $top at 500 when
// signInActivity is selected (120 until 2025; a service still on the old
// cap answers 400, and the read starts again at 120).
const (
	signInActivityTop    = 500
	signInActivityOldTop = 120
	signInsTop           = 1000 // the sign-in logs' maximum and default
)

// Endpoint names of the sign-in reads.
const (
	endpointSignInActivity = "signInActivity"
	endpointSignIns        = "signIns"
)

type wireSignInActivity struct {
	ID             string `json:"id"`
	SignInActivity *struct {
		LastSignInDateTime               string `json:"lastSignInDateTime"`
		LastNonInteractiveSignInDateTime string `json:"lastNonInteractiveSignInDateTime"`
		LastSuccessfulSignInDateTime     string `json:"lastSuccessfulSignInDateTime"`
	} `json:"signInActivity"`
}

func (w *wireSignInActivity) record() (extract.SignInActivity, error) {
	r := extract.SignInActivity{UserID: w.ID}
	a := w.SignInActivity
	if a == nil {
		return r, nil
	}
	for _, f := range []struct {
		name string
		raw  string
		to   *time.Time
	}{
		{"lastSignInDateTime", a.LastSignInDateTime, &r.LastSignIn},
		{"lastNonInteractiveSignInDateTime", a.LastNonInteractiveSignInDateTime, &r.LastNonInteractive},
		{"lastSuccessfulSignInDateTime", a.LastSuccessfulSignInDateTime, &r.LastSuccessful},
	} {
		t, err := parseTime(f.raw)
		if err != nil {
			return r, fmt.Errorf("user %s signInActivity.%s: %w", w.ID, f.name, err)
		}
		*f.to = t
	}
	return r, nil
}

// SignInActivity calls page for every page of users' signInActivity,
// GET /users?$select=id,signInActivity&$top=500. A 400 on the first page
// (a service still capping such pages at 120) starts again with $top=120.
// https://learn.microsoft.com/graph/api/resources/signinactivity
func (c *Client) SignInActivity(ctx context.Context, page func([]extract.SignInActivity) error) error {
	counting, delivered := counted(page)
	err := c.signInActivity(ctx, signInActivityTop, counting)
	var api *APIError
	if err != nil && !delivered() && errors.As(err, &api) && api.Status == http.StatusBadRequest {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "graph refused signInActivity pages of 500; reading pages of 120",
			slog.String("endpoint", endpointSignInActivity), slog.Any("error", err))
		err = c.signInActivity(ctx, signInActivityOldTop, page)
	}
	return err
}

func (c *Client) signInActivity(ctx context.Context, top int32, page func([]extract.SignInActivity) error) error {
	b := users.NewUsersRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireSignInActivity]{
		c: c, endpoint: endpointSignInActivity,
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Select: []string{"id", "signInActivity"}, Top: &top},
			})
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var buf []extract.SignInActivity
	return p.each(ctx, func(n int, ws []wireSignInActivity) error {
		buf = buf[:0]
		for i := range ws {
			r, err := ws[i].record()
			if err != nil {
				return fmt.Errorf("list signInActivity page %d: %w", n, err)
			}
			buf = append(buf, r)
		}
		return page(buf)
	})
}

type wireSignIn struct {
	UserID          string `json:"userId"`
	CreatedDateTime string `json:"createdDateTime"`
	AppID           string `json:"appId"`
	ResourceID      string `json:"resourceId"`
	Status          *struct {
		ErrorCode int `json:"errorCode"`
	} `json:"status"`
}

// SignIns reads the sign-in logs of application appID created in
// [since, until), GET /auditLogs/signIns?$filter=appId eq '…' and
// createdDateTime ge … ($top=1000, newest first; newer events are dropped),
// at most maxPages pages (0: all). Events are filtered again here
// (application and time), so that a service that ignores part of the
// filter gives the same answer. The window says how far back the read
// reached: to since, or, past the page bound, to the oldest event read.
// https://learn.microsoft.com/graph/api/signin-list
func (c *Client) SignIns(ctx context.Context, appID string, since, until time.Time, maxPages int, page func([]extract.SignIn) error) (extract.SignInWindow, error) {
	since, until = since.UTC().Truncate(time.Second), until.UTC().Truncate(time.Second)
	win := extract.SignInWindow{From: since, To: until}
	if !since.Before(until) {
		return win, fmt.Errorf("sign-in logs: the window from %s to %s is empty", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	top := int32(signInsTop)
	// The documented pattern (appId and a lower bound); the upper bound
	// is applied here, so that an imitation or a service version that
	// takes only the usual filter answers the same.
	filter := fmt.Sprintf("appId eq '%s' and createdDateTime ge %s", appID, since.Format(time.RFC3339))
	b := auditlogs.NewSignInsRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireSignIn]{
		c: c, endpoint: endpointSignIns, limit: maxPages, truncated: &win.Truncated,
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, &auditlogs.SignInsRequestBuilderGetRequestConfiguration{
				QueryParameters: &auditlogs.SignInsRequestBuilderGetQueryParameters{Filter: &filter, Top: &top},
			})
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var oldest time.Time
	var buf []extract.SignIn
	err := p.each(ctx, func(n int, ws []wireSignIn) error {
		win.Pages = n
		buf = buf[:0]
		for _, w := range ws {
			t, err := parseTime(w.CreatedDateTime)
			if err != nil {
				return fmt.Errorf("list signIns page %d: createdDateTime: %w", n, err)
			}
			if t.IsZero() {
				return fmt.Errorf("list signIns page %d: %w: an event without createdDateTime", n, ErrBadResponse)
			}
			if oldest.IsZero() || t.Before(oldest) {
				oldest = t
			}
			if t.Before(since) || !t.Before(until) || (w.AppID != appID && w.ResourceID != appID) {
				continue
			}
			e := extract.SignIn{UserID: w.UserID, CreatedDateTime: t, AppID: w.AppID, ResourceID: w.ResourceID}
			if w.Status != nil {
				e.ErrorCode = w.Status.ErrorCode
			}
			buf = append(buf, e)
		}
		if len(buf) == 0 {
			return nil
		}
		return page(buf)
	})
	if err != nil {
		return win, fmt.Errorf("sign-in logs: %w", err)
	}
	// Past the bound, the oldest second read may go on in the next page:
	// the window starts after it.
	if from := oldest.Truncate(time.Second).Add(time.Second); win.Truncated && from.After(win.From) {
		win.From = from
	}
	return win, nil
}
