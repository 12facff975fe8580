package graph

import (
	"context"
	"fmt"
	"net/http"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/admin"
	"github.com/microsoftgraph/msgraph-sdk-go/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/subscribedskus"

	"github.com/seatledger/seatledger/extract"
)

type wireServicePlan struct {
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
	ProvisioningStatus string `json:"provisioningStatus"`
	AppliesTo          string `json:"appliesTo"`
}

type wireSKU struct {
	ID               string `json:"id"`
	AccountID        string `json:"accountId"`
	AccountName      string `json:"accountName"`
	AppliesTo        string `json:"appliesTo"`
	CapabilityStatus string `json:"capabilityStatus"`
	ConsumedUnits    int64  `json:"consumedUnits"`
	PrepaidUnits     struct {
		Enabled   int64 `json:"enabled"`
		Suspended int64 `json:"suspended"`
		Warning   int64 `json:"warning"`
		LockedOut int64 `json:"lockedOut"`
	} `json:"prepaidUnits"`
	ServicePlans    []wireServicePlan `json:"servicePlans"`
	SkuID           string            `json:"skuId"`
	SkuPartNumber   string            `json:"skuPartNumber"`
	SubscriptionIDs []string          `json:"subscriptionIds"`
}

type wireSubscription struct {
	ID                     string            `json:"id"`
	CommerceSubscriptionID string            `json:"commerceSubscriptionId"`
	SkuID                  string            `json:"skuId"`
	SkuPartNumber          string            `json:"skuPartNumber"`
	Status                 string            `json:"status"`
	IsTrial                bool              `json:"isTrial"`
	TotalLicenses          int64             `json:"totalLicenses"`
	CreatedDateTime        string            `json:"createdDateTime"`
	NextLifecycleDateTime  string            `json:"nextLifecycleDateTime"`
	OwnerID                string            `json:"ownerId"`
	OwnerTenantID          string            `json:"ownerTenantId"`
	OwnerType              string            `json:"ownerType"`
	ServiceStatus          []wireServicePlan `json:"serviceStatus"`
}

func plans(ws []wireServicePlan) []extract.ServicePlan {
	if len(ws) == 0 {
		return nil
	}
	out := make([]extract.ServicePlan, len(ws))
	for i, p := range ws {
		out[i] = extract.ServicePlan(p)
	}
	return out
}

// SubscribedSKUs returns GET /subscribedSkus.
func (c *Client) SubscribedSKUs(ctx context.Context) ([]extract.SKU, error) {
	b := subscribedskus.NewSubscribedSkusRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireSKU]{
		c: c, endpoint: "subscribedSkus",
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, nil)
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var out []extract.SKU
	err := p.each(ctx, func(_ int, ws []wireSKU) error {
		for _, w := range ws {
			out = append(out, extract.SKU{
				ID: w.ID, AccountID: w.AccountID, AccountName: w.AccountName, AppliesTo: w.AppliesTo,
				CapabilityStatus: w.CapabilityStatus, ConsumedUnits: w.ConsumedUnits,
				PrepaidUnits: extract.PrepaidUnits(w.PrepaidUnits), ServicePlans: plans(w.ServicePlans),
				SkuID: w.SkuID, SkuPartNumber: w.SkuPartNumber, SubscriptionIDs: w.SubscriptionIDs,
			})
		}
		return nil
	})
	return out, err
}

// Subscriptions returns GET /directory/subscriptions.
func (c *Client) Subscriptions(ctx context.Context) ([]extract.Subscription, error) {
	b := directory.NewSubscriptionsRequestBuilderInternal(map[string]string{}, c.adapter)
	p := pager[wireSubscription]{
		c: c, endpoint: "subscriptions",
		first: func(ctx context.Context) (*abs.RequestInformation, error) {
			return b.ToGetRequestInformation(ctx, nil)
		},
		withURL: func(ctx context.Context, link string) (*abs.RequestInformation, error) {
			return b.WithUrl(link).ToGetRequestInformation(ctx, nil)
		},
	}
	var out []extract.Subscription
	err := p.each(ctx, func(n int, ws []wireSubscription) error {
		for _, w := range ws {
			s, err := w.record()
			if err != nil {
				return fmt.Errorf("list subscriptions page %d: %w", n, err)
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

func (w wireSubscription) record() (extract.Subscription, error) {
	s := extract.Subscription{
		ID: w.ID, CommerceSubscriptionID: w.CommerceSubscriptionID, SkuID: w.SkuID,
		SkuPartNumber: w.SkuPartNumber, Status: w.Status, IsTrial: w.IsTrial,
		TotalLicenses: w.TotalLicenses, OwnerID: w.OwnerID, OwnerTenantID: w.OwnerTenantID,
		OwnerType: w.OwnerType, ServiceStatus: plans(w.ServiceStatus),
	}
	var err error
	if s.CreatedDateTime, err = parseTime(w.CreatedDateTime); err != nil {
		return s, fmt.Errorf("subscription %s createdDateTime: %w", w.ID, err)
	}
	if s.NextLifecycleDateTime, err = parseTime(w.NextLifecycleDateTime); err != nil {
		return s, fmt.Errorf("subscription %s nextLifecycleDateTime: %w", w.ID, err)
	}
	return s, nil
}

// wireReportSettings accepts both the real response (the object itself)
// and the shape of the documentation example, which wraps it in "value":
// https://learn.microsoft.com/graph/api/adminreportsettings-get#response-1
type wireReportSettings struct {
	DisplayConcealedNames *bool `json:"displayConcealedNames"`
	Value                 *struct {
		DisplayConcealedNames *bool `json:"displayConcealedNames"`
	} `json:"value"`
}

// ReportSettings returns GET /admin/reportSettings. A response without
// displayConcealedNames is an error wrapping ErrBadResponse: guessing would
// silently break the join of the usage report to users.
func (c *Client) ReportSettings(ctx context.Context) (extract.ReportSettings, error) {
	b := admin.NewReportSettingsRequestBuilderInternal(map[string]string{}, c.adapter)
	ri, err := b.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return extract.ReportSettings{}, fmt.Errorf("build reportSettings request: %w", err)
	}
	var w wireReportSettings
	err = c.send(ctx, ri, callOption{endpoint: "reportSettings"}, func(resp *http.Response) error {
		return decodeJSON(resp, &w)
	})
	if err != nil {
		return extract.ReportSettings{}, fmt.Errorf("get reportSettings: %w", err)
	}
	v := w.DisplayConcealedNames
	if v == nil && w.Value != nil {
		v = w.Value.DisplayConcealedNames
	}
	if v == nil {
		return extract.ReportSettings{}, fmt.Errorf("get reportSettings: %w: no displayConcealedNames", ErrBadResponse)
	}
	return extract.ReportSettings{DisplayConcealedNames: *v}, nil
}
