package graph

import (
	"context"
	"fmt"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/seatledger/seatledger/extract"
)

// groupSelect is the $select of groups: only what names a licence group.
var groupSelect = []string{"id", "displayName", "assignedLicenses"}

// wireUser is a user in Graph's JSON shape (the fields of extract.UserSelect).
type wireUser struct {
	ID                      string                `json:"id"`
	UserPrincipalName       string                `json:"userPrincipalName"`
	DisplayName             string                `json:"displayName"`
	Mail                    string                `json:"mail"`
	Department              string                `json:"department"`
	EmployeeOrgData         *wireOrgData          `json:"employeeOrgData"`
	CompanyName             string                `json:"companyName"`
	Country                 string                `json:"country"`
	UsageLocation           string                `json:"usageLocation"`
	UserType                string                `json:"userType"`
	AccountEnabled          *bool                 `json:"accountEnabled"`
	CreatedDateTime         string                `json:"createdDateTime"`
	AssignedLicenses        []wireLicense         `json:"assignedLicenses"`
	LicenseAssignmentStates []wireAssignmentState `json:"licenseAssignmentStates"`
	OnPremisesDN            string                `json:"onPremisesDistinguishedName"`
	OnPremisesSyncEnabled   *bool                 `json:"onPremisesSyncEnabled"`
}

type wireOrgData struct {
	CostCenter string `json:"costCenter"`
}

type wireLicense struct {
	SkuID         string   `json:"skuId"`
	DisabledPlans []string `json:"disabledPlans"`
}

type wireAssignmentState struct {
	SkuID               string   `json:"skuId"`
	AssignedByGroup     string   `json:"assignedByGroup"`
	State               string   `json:"state"`
	Error               string   `json:"error"`
	DisabledPlans       []string `json:"disabledPlans"`
	LastUpdatedDateTime string   `json:"lastUpdatedDateTime"`
}

type wireGroup struct {
	ID               string        `json:"id"`
	DisplayName      string        `json:"displayName"`
	AssignedLicenses []wireLicense `json:"assignedLicenses"`
}

// parseTime parses a Graph DateTimeOffset; empty or null is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: bad DateTimeOffset %q", ErrBadResponse, s)
	}
	return t.UTC(), nil
}

func (w *wireUser) record() (extract.User, error) {
	// accountEnabled can be null (not returned for some synced or
	// partially provisioned accounts): unknown counts as enabled, so that a
	// missing field never makes an active user a disabled_account candidate.
	u := extract.User{
		ID: w.ID, UserPrincipalName: w.UserPrincipalName, DisplayName: w.DisplayName,
		Mail: w.Mail, Department: w.Department, CompanyName: w.CompanyName,
		Country: w.Country, UsageLocation: w.UsageLocation, UserType: w.UserType,
		AccountEnabled: w.AccountEnabled == nil || *w.AccountEnabled, AssignedLicenses: licenses(w.AssignedLicenses),
		OnPremisesDistinguishedName: w.OnPremisesDN, OnPremisesSyncEnabled: syncEnabled(w.OnPremisesSyncEnabled),
	}
	if w.EmployeeOrgData != nil {
		u.CostCenter = w.EmployeeOrgData.CostCenter
	}
	var err error
	if u.CreatedDateTime, err = parseTime(w.CreatedDateTime); err != nil {
		return u, fmt.Errorf("user %s createdDateTime: %w", w.ID, err)
	}
	if len(w.LicenseAssignmentStates) > 0 {
		u.LicenseAssignmentStates = make([]extract.LicenseAssignmentState, len(w.LicenseAssignmentStates))
	}
	for i, s := range w.LicenseAssignmentStates {
		t, err := parseTime(s.LastUpdatedDateTime)
		if err != nil {
			return u, fmt.Errorf("user %s licenseAssignmentStates[%d].lastUpdatedDateTime: %w", w.ID, i, err)
		}
		u.LicenseAssignmentStates[i] = extract.LicenseAssignmentState{
			SkuID: s.SkuID, AssignedByGroup: s.AssignedByGroup, State: s.State, Error: s.Error,
			DisabledPlans: s.DisabledPlans, LastUpdatedDateTime: t,
		}
	}
	return u, nil
}

// Shared values of extract.User.OnPremisesSyncEnabled: a page of users
// points at these two rather than allocating a bool per synced user.
// Consumers read the pointer and never write through it.
var (
	syncTrue  = true
	syncFalse = false
)

// syncEnabled is onPremisesSyncEnabled as extract.User holds it: nil for
// null (a user never synced), else a pointer to one of the shared values,
// never to the wire struct's (which the scanner shares across pages too).
func syncEnabled(v *bool) *bool {
	switch {
	case v == nil:
		return nil
	case *v:
		return &syncTrue
	}
	return &syncFalse
}

func licenses(ws []wireLicense) []extract.AssignedLicense {
	if len(ws) == 0 {
		return nil
	}
	out := make([]extract.AssignedLicense, len(ws))
	for i, l := range ws {
		out[i] = extract.AssignedLicense{SkuID: l.SkuID, DisabledPlans: l.DisabledPlans}
	}
	return out
}

// decodeUsers converts a decoded page; the result is reused across pages.
func decodeUsers(ws []wireUser, out []extract.User) ([]extract.User, error) {
	out = out[:0]
	for i := range ws {
		u, err := ws[i].record()
		if err != nil {
			return out, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Users calls page for every page of users (GET /users with
// extract.UserSelect and $top=PageSize), in order, holding at most two
// pages in memory: the next page is fetched while page runs. Empty pages
// are skipped. page must not keep the slice, which is reused; the strings
// of a page share one copy of its body, so strings.Clone any kept.
func (c *Client) Users(ctx context.Context, page func([]extract.User) error) error {
	top := int32(c.cfg.PageSize)
	b := users.NewUsersRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireUser]{
		c: c, endpoint: "users", scan: scanUsersPage,
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Select: extract.UserSelect, Top: &top},
			})
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var buf []extract.User
	return p.each(ctx, func(n int, ws []wireUser) error {
		var err error
		if buf, err = decodeUsers(ws, buf); err != nil {
			return fmt.Errorf("list users page %d: %w", n, err)
		}
		return page(buf)
	})
}

// Groups returns the groups that carry licences (GET /groups selecting
// id, displayName and assignedLicenses, $top=PageSize). Groups without
// licences are dropped here rather than with
// $filter=assignedLicenses/$count ne 0, which needs advanced queries
// (ConsistencyLevel: eventual, $count=true) that not every endpoint
// (national clouds, simulators) serves alike.
func (c *Client) Groups(ctx context.Context) ([]extract.Group, error) {
	top := int32(c.cfg.PageSize)
	b := groups.NewGroupsRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireGroup]{
		c: c, endpoint: "groups",
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
				QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{Select: groupSelect, Top: &top},
			})
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var out []extract.Group
	err := p.each(ctx, func(_ int, ws []wireGroup) error {
		for _, g := range ws {
			if len(g.AssignedLicenses) > 0 {
				out = append(out, extract.Group{ID: g.ID, DisplayName: g.DisplayName, AssignedLicenses: licenses(g.AssignedLicenses)})
			}
		}
		return nil
	})
	return out, err
}
