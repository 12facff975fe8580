package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/reports"

	"github.com/seatledger/seatledger/extract"
)

var _ extract.SignalSource = (*Client)(nil)

// CopilotPeriods are the periods getMicrosoft365CopilotUsageUserDetail
// accepts for report version v1 (the default, which is the version read
// here: version v2 has other columns and D28 instead of D30). ALL returns
// every period in one report.
var CopilotPeriods = []string{"D7", "D30", "D90", "D180", "ALL"}

// Endpoint names passed to Config.Observe and set in APIError.Endpoint.
const (
	endpointCopilotUsage = "copilotUsage"
	endpointAppsUsage    = "appsUsage"
	endpointActivations  = "activations"
	endpointMailboxUsage = "mailboxUsage"
)

// The three /reports functions answer 302 to a pre-authenticated
// download; the pipeline follows it without the Authorization header
// (redirectMiddleware). Each is streamed through a response handler for
// the reason ActivityReport is: the SDK's Get buffers the whole CSV. A
// body truncated mid-stream is an error, not retried, once rows were
// handed to row (streamReport).

// CopilotUsage streams the Microsoft 365 Copilot usage report,
// GET /copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D90')
// (v1.0, CSV). The SDK has no request builder for the /copilot segment, so
// the request is built by hand. Microsoft documents a 200 with the CSV
// stream; a 302 to a download URL is followed like the other reports'.
// The old /beta/reports/getMicrosoft365CopilotUsageUserDetail path
// answers 400 since July 2026 and is not used.
// https://learn.microsoft.com/microsoft-365-copilot/extensibility/api/admin-settings/reports/copilotreportroot-getmicrosoft365copilotusageuserdetail
func (c *Client) CopilotUsage(ctx context.Context, period string, row func(extract.CopilotUsageRow) error) error {
	const what = "copilot usage report"
	if !slices.Contains(CopilotPeriods, period) {
		return periodError(what, CopilotPeriods, period)
	}
	ri := reportRequest("{+baseurl}/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='{period}')")
	ri.PathParameters["period"] = period
	row, delivered := counted(row)
	return c.streamReport(ctx, ri, endpointCopilotUsage, what+" "+period, func(body io.Reader) error {
		return ParseCopilotUsageCSV(body, row)
	}, delivered)
}

// AppsUsage streams the Microsoft 365 Apps usage report,
// GET /reports/getM365AppUserDetail(period='D180') (302 to CSV).
// https://learn.microsoft.com/graph/api/reportroot-getm365appuserdetail
func (c *Client) AppsUsage(ctx context.Context, period string, row func(extract.AppsUsageRow) error) error {
	const what = "apps usage report"
	if !validPeriod(period) {
		return periodError(what, Periods, period)
	}
	b := reports.NewGetM365AppUserDetailWithPeriodRequestBuilderInternal(map[string]string{}, c.adapter, &period)
	ri, err := b.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return fmt.Errorf("build %s request: %w", what, err)
	}
	row, delivered := counted(row)
	return c.streamReport(ctx, ri, endpointAppsUsage, what+" "+period, func(body io.Reader) error {
		return ParseAppsUsageCSV(body, row)
	}, delivered)
}

// Activations streams the Office activations report,
// GET /reports/getOffice365ActivationsUserDetail (no period; 302 to CSV).
// The request is built by hand on the documented path: the SDK's builder
// sends getOffice365ActivationsUserDetail() with parentheses.
// https://learn.microsoft.com/graph/api/reportroot-getoffice365activationsuserdetail
func (c *Client) Activations(ctx context.Context, row func(extract.ActivationRow) error) error {
	ri := reportRequest("{+baseurl}/reports/getOffice365ActivationsUserDetail")
	row, delivered := counted(row)
	return c.streamReport(ctx, ri, endpointActivations, "activations report", func(body io.Reader) error {
		return ParseActivationsCSV(body, row)
	}, delivered)
}

// MailboxUsage streams the mailbox usage report,
// GET /reports/getMailboxUsageDetail(period='D7') (302 to CSV).
// https://learn.microsoft.com/graph/api/reportroot-getmailboxusagedetail
func (c *Client) MailboxUsage(ctx context.Context, period string, row func(extract.MailboxUsageRow) error) error {
	const what = "mailbox usage report"
	if !validPeriod(period) {
		return periodError(what, Periods, period)
	}
	b := reports.NewGetMailboxUsageDetailWithPeriodRequestBuilderInternal(map[string]string{}, c.adapter, &period)
	ri, err := b.ToGetRequestInformation(ctx, nil)
	if err != nil {
		return fmt.Errorf("build %s request: %w", what, err)
	}
	row, delivered := counted(row)
	return c.streamReport(ctx, ri, endpointMailboxUsage, what+" "+period, func(body io.Reader) error {
		return ParseMailboxUsageCSV(body, row)
	}, delivered)
}

func periodError(what string, valid []string, got string) error {
	return fmt.Errorf("%s: period must be one of %s, got %q", what, strings.Join(valid, ", "), got)
}

// reportRequest is a GET of a report function without an SDK builder,
// with the Accept header the SDK's report builders send.
func reportRequest(template string) *abs.RequestInformation {
	ri := abs.NewRequestInformation()
	ri.Method = abs.GET
	ri.UrlTemplate = template
	ri.PathParameters = map[string]string{}
	ri.Headers.TryAdd("Accept", "application/octet-stream, application/json")
	return ri
}

// streamReport sends ri and hands the (final, after redirects) body to
// parse without buffering it. parse reports rows through a counting row
// function (counted): a body that breaks before its first row reached the
// caller is asked for again (up to MaxRetries, with backoff), since nothing
// was handed out yet; one that breaks later, or whose text is malformed,
// is an error.
func (c *Client) streamReport(ctx context.Context, ri *abs.RequestInformation, endpoint, what string, parse func(io.Reader) error, delivered func() bool) error {
	for attempt := 0; ; attempt++ {
		err := c.send(ctx, ri, callOption{endpoint: endpoint, stream: true}, func(resp *http.Response) error {
			return parse(resp.Body)
		})
		var be *bodyError
		if err == nil || !errors.As(err, &be) || delivered() || attempt >= c.cfg.MaxRetries || ctx.Err() != nil {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		wait := retryWait(nil, attempt)
		c.logger.LogAttrs(ctx, slog.LevelWarn, "graph report body broke before its first row; asking again",
			slog.String("endpoint", endpoint), slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.Any("error", withoutURL(err)))
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}

// counted wraps row so that delivered tells whether it was called.
func counted[R any](row func(R) error) (counting func(R) error, delivered func() bool) {
	n := 0
	return func(r R) error { n++; return row(r) }, func() bool { return n > 0 }
}
