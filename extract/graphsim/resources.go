package graphsim

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// Wire shapes of the small Graph collections, fields in the order of
// Graph's documentation examples (graph-examples/*.json).

type wirePrepaid struct {
	Enabled   int64 `json:"enabled"`
	LockedOut int64 `json:"lockedOut"`
	Suspended int64 `json:"suspended"`
	Warning   int64 `json:"warning"`
}

type wireSkuPlan struct {
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
	ProvisioningStatus string `json:"provisioningStatus"`
	AppliesTo          string `json:"appliesTo"`
}

type wireSKU struct {
	AccountName      string        `json:"accountName"`
	AccountID        string        `json:"accountId"`
	AppliesTo        string        `json:"appliesTo"`
	CapabilityStatus string        `json:"capabilityStatus"`
	ConsumedUnits    int64         `json:"consumedUnits"`
	ID               string        `json:"id"`
	PrepaidUnits     wirePrepaid   `json:"prepaidUnits"`
	ServicePlans     []wireSkuPlan `json:"servicePlans"`
	SkuID            string        `json:"skuId"`
	SkuPartNumber    string        `json:"skuPartNumber"`
	SubscriptionIDs  []string      `json:"subscriptionIds"`
}

type wireStatusPlan struct {
	AppliesTo          string `json:"appliesTo"`
	ProvisioningStatus string `json:"provisioningStatus"`
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
}

type wireSubscription struct {
	CreatedDateTime        *string          `json:"createdDateTime"`
	CommerceSubscriptionID string           `json:"commerceSubscriptionId"`
	ID                     string           `json:"id"`
	IsTrial                bool             `json:"isTrial"`
	NextLifecycleDateTime  *string          `json:"nextLifecycleDateTime"`
	ServiceStatus          []wireStatusPlan `json:"serviceStatus"`
	SkuID                  string           `json:"skuId"`
	SkuPartNumber          string           `json:"skuPartNumber"`
	Status                 string           `json:"status"`
	TotalLicenses          int64            `json:"totalLicenses"`
	OwnerID                string           `json:"ownerId"`
	OwnerTenantID          string           `json:"ownerTenantId"`
	OwnerType              string           `json:"ownerType"`
}

func wireTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05Z")
	return &s
}

// collection writes {"@odata.context": ..., "value": [...]}.
func (s *Server) collection(w http.ResponseWriter, r *http.Request, context string, value any) {
	body, err := json.Marshal(struct {
		Context string `json:"@odata.context"`
		Value   any    `json:"value"`
	}{context, value})
	if err != nil {
		s.graphError(w, r, &GraphError{Status: http.StatusInternalServerError, Code: "UnknownError", Message: err.Error()})
		return
	}
	graphOK(w, http.StatusOK, body)
}

func (s *Server) serveSKUs(w http.ResponseWriter, r *http.Request, _ string) {
	var out []wireSKU
	for _, k := range s.tenant.SKUs() {
		plans := make([]wireSkuPlan, len(k.ServicePlans))
		for i, p := range k.ServicePlans {
			plans[i] = wireSkuPlan(p)
		}
		out = append(out, wireSKU{AccountName: k.AccountName, AccountID: k.AccountID, AppliesTo: k.AppliesTo,
			CapabilityStatus: k.CapabilityStatus, ConsumedUnits: k.ConsumedUnits, ID: k.ID,
			PrepaidUnits: wirePrepaid{Enabled: k.PrepaidUnits.Enabled, LockedOut: k.PrepaidUnits.LockedOut,
				Suspended: k.PrepaidUnits.Suspended, Warning: k.PrepaidUnits.Warning},
			ServicePlans: plans, SkuID: k.SkuID, SkuPartNumber: k.SkuPartNumber, SubscriptionIDs: k.SubscriptionIDs})
	}
	s.collection(w, r, s.context("subscribedSkus", nil, false), out)
}

func (s *Server) serveSubscriptions(w http.ResponseWriter, r *http.Request, _ string) {
	var out []wireSubscription
	for _, sub := range s.tenant.Subscriptions() {
		plans := make([]wireStatusPlan, len(sub.ServiceStatus))
		for i, p := range sub.ServiceStatus {
			plans[i] = wireStatusPlan{AppliesTo: p.AppliesTo, ProvisioningStatus: p.ProvisioningStatus,
				ServicePlanID: p.ServicePlanID, ServicePlanName: p.ServicePlanName}
		}
		out = append(out, wireSubscription{CreatedDateTime: wireTime(sub.CreatedDateTime),
			CommerceSubscriptionID: sub.CommerceSubscriptionID, ID: sub.ID, IsTrial: sub.IsTrial,
			NextLifecycleDateTime: wireTime(sub.NextLifecycleDateTime), ServiceStatus: plans, SkuID: sub.SkuID,
			SkuPartNumber: sub.SkuPartNumber, Status: sub.Status, TotalLicenses: sub.TotalLicenses,
			OwnerID: sub.OwnerID, OwnerTenantID: sub.OwnerTenantID, OwnerType: sub.OwnerType})
	}
	s.collection(w, r, s.context("directory/subscriptions", nil, false), out)
}

// groupProps are the group properties the simulator answers, in order.
var groupProps = []string{"id", "deletedDateTime", "createdDateTime", "description", "displayName",
	"groupTypes", "mail", "mailEnabled", "mailNickname", "securityEnabled", "assignedLicenses"}

func (s *Server) serveGroups(w http.ResponseWriter, r *http.Request, _ string) {
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
	groups := s.tenant.Groups()
	s.writePage(w, r, page{kind: "groups", q: q, total: len(groups), context: s.context("groups", q.sel, false),
		item: func(b []byte, i int) []byte { return s.appendGroup(b, groups[i], props) }})
}

func canonical(names []string, n string) string {
	for _, c := range names {
		if strings.EqualFold(c, n) {
			return c
		}
	}
	return ""
}

func (s *Server) appendGroup(b []byte, g extract.Group, props []string) []byte {
	b = append(b, '{')
	for i, p := range props {
		b = appendKey(b, p, i == 0)
		switch p {
		case "id":
			b = appendString(b, g.ID)
		case "displayName":
			b = appendString(b, g.DisplayName)
		case "description":
			b = appendString(b, "Group-based licensing: members get "+g.DisplayName[len("SG-LIC-"):])
		case "createdDateTime":
			b = appendTime(b, s.tenant.origin.AddDate(-2, 0, 0))
		case "groupTypes":
			b = append(b, "[]"...)
		case "mailEnabled":
			b = append(b, "false"...)
		case "securityEnabled":
			b = append(b, "true"...)
		case "mailNickname":
			b = appendString(b, strings.ToLower(g.DisplayName))
		case "assignedLicenses":
			b = appendAssigned(b, g.AssignedLicenses)
		default:
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}

func (s *Server) serveReportSettings(w http.ResponseWriter, r *http.Request, _ string) {
	body, err := json.Marshal(map[string]any{
		"@odata.context":        s.context("admin/reportSettings", nil, true),
		"@odata.type":           "#microsoft.graph.adminReportSettings",
		"id":                    "reportSettings",
		"displayConcealedNames": s.tenant.ReportSettings().DisplayConcealedNames,
	})
	if err != nil {
		s.graphError(w, r, &GraphError{Status: http.StatusInternalServerError, Code: "UnknownError", Message: err.Error()})
		return
	}
	graphOK(w, http.StatusOK, body)
}

// patchReportSettings answers PATCH /admin/reportSettings: 204.
func (s *Server) patchReportSettings(w http.ResponseWriter, r *http.Request, _ string) {
	var body struct {
		DisplayConcealedNames *bool `json:"displayConcealedNames"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.graphError(w, r, badRequest("Invalid request body: %v", err))
		return
	}
	if body.DisplayConcealedNames == nil {
		s.graphError(w, r, badRequest("Property 'displayConcealedNames' is required."))
		return
	}
	s.tenant.SetReportSettings(extract.ReportSettings{DisplayConcealedNames: *body.DisplayConcealedNames})
	w.WriteHeader(http.StatusNoContent)
}

// decodeBody reads a JSON request body. Kiota's compression handler
// gzips request bodies (Content-Encoding: gzip), which Graph accepts.
func decodeBody(r *http.Request, v any) error {
	var body io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return fmt.Errorf("open gzip body: %w", err)
		}
		defer zr.Close()
		body = zr
	}
	data, err := io.ReadAll(io.LimitReader(body, 1<<20))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode JSON body: %w", err)
	}
	return nil
}

// serveAssignLicense answers POST /users/{id}/assignLicense with the
// updated user (200).
func (s *Server) serveAssignLicense(w http.ResponseWriter, r *http.Request, key string) {
	add, remove, gerr := decodeAssign(r, "User")
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	if _, err := s.tenant.AssignLicense(key, add, remove); err != nil {
		s.fail(w, r, err)
		return
	}
	i, _ := s.tenant.Lookup(key)
	u := s.tenant.simUser(i)
	props, _ := resolveSelect(append(append([]string{}, defaultUserSelect...), "accountEnabled", "assignedLicenses", "licenseAssignmentStates", "usageLocation"))
	b := append([]byte(`{"@odata.context":`), appendString(nil, s.context("users", nil, true))...)
	b = append(b, ',')
	b = append(b, appendUser(nil, &u, props)[1:]...)
	graphOK(w, http.StatusOK, b)
}
