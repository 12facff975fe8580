// Package graph extracts seatledger's datasets from Microsoft Graph v1.0
// with msgraph-sdk-go and azidentity, and returns them as the plain records
// of package extract; no SDK type escapes it.
//
// Requests are built with the SDK's request builders and sent through the
// SDK's request adapter and middleware pipeline (with the kiota Azure
// Identity authentication provider), but every response is taken raw via
// a kiota response handler and decoded with encoding/json into plain
// structs, for all datasets alike:
//
//   - Speed. BenchmarkParseUsersPage on a 999-user page in Graph's shape
//     (go test -bench ParseUsersPage, 2 shared Xeon cores) measured:
//     SDK models 15.6k users/s and 37.0 MB allocated per page (751k
//     allocations); encoding/json into plain structs, conversion to
//     extract.User included, 106k users/s and 2.2 MB per page (33k
//     allocations). The product needs >= 50k users/s end to end;
//     BenchmarkUsersEndToEnd measures the whole path over TLS.
//   - One code path for paging, errors and retries: the small datasets
//     (SKUs, subscriptions, report settings) are a few KB, so the SDK's
//     models would cost nothing, but sharing the raw path means one
//     tested decoder style, tolerance of shapes the models reject (the
//     documented reportSettings example wraps the object in "value"), and
//     no SDK model to convert field by field.
//   - Streaming. The SDK's generated GetOffice365ActiveUserDetail...Get
//     returns the whole CSV as []byte (SendPrimitive "[]byte" does
//     io.ReadAll); a 1M-user tenant's report is hundreds of MB, so the
//     report is read row by row from the response handler instead.
package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	abs "github.com/microsoft/kiota-abstractions-go"
	kauth "github.com/microsoft/kiota-authentication-azure-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"

	"github.com/seatledger/seatledger/extract"
)

var _ extract.Source = (*Client)(nil)

// Client reads one tenant's datasets from Microsoft Graph. It is safe for
// concurrent use.
type Client struct {
	cfg     Config
	logger  *slog.Logger
	graph   *url.URL // Graph endpoint without /v1.0
	scope   string
	cred    azcore.TokenCredential
	adapter *core.GraphRequestAdapterBase
}

// New validates cfg and builds the credential, the HTTP pipeline and the
// SDK request adapter. It does no I/O: the first token is acquired by the
// first request (or by Token).
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("graph config: %w", err)
	}
	cfg = cfg.withDefaults()
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ep, err := cfg.endpoints()
	if err != nil {
		return nil, fmt.Errorf("graph config: %w", err)
	}
	graphURL, err := url.Parse(ep.Graph)
	if err != nil {
		return nil, fmt.Errorf("graph config: GraphEndpoint: %w", err)
	}
	cred, err := newCredential(cfg, ep)
	if err != nil {
		return nil, fmt.Errorf("build %s credential: %w", cfg.Auth.Method, err)
	}
	c := &Client{cfg: cfg, logger: logger, graph: graphURL, scope: ep.Graph + "/.default", cred: newSharedCredential(cred)}
	// The provider silently sends no token to a host missing from the
	// allowed hosts. kiota-abstractions-go v1.9.3 compares URL.Hostname()
	// (without the port); the host:port form is listed too in case a
	// later version compares URL.Host.
	hosts := []string{graphURL.Hostname()}
	if graphURL.Port() != "" {
		hosts = append(hosts, graphURL.Host)
	}
	auth, err := kauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(c.cred, []string{c.scope}, hosts)
	if err != nil {
		return nil, fmt.Errorf("build authentication provider: %w", err)
	}
	opts := core.GraphClientOptions{GraphServiceLibraryVersion: sdkVersion}
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, opts, nil, nil, newHTTPClient(cfg, logger))
	if err != nil {
		return nil, fmt.Errorf("build request adapter: %w", err)
	}
	adapter.SetBaseUrl(ep.Graph + "/v1.0")
	c.adapter = adapter
	return c, nil
}

// send sends ri through the SDK adapter and pipeline and hands a 2xx
// response to handle; the body is closed afterwards. Error statuses become
// *APIError; credential failures are marked ErrUnauthorized.
func (c *Client) send(ctx context.Context, ri *abs.RequestInformation, call callOption, handle func(*http.Response) error) error {
	h := abs.NewRequestHandlerOption()
	h.SetResponseHandler(func(r any, _ abs.ErrorMappings) (any, error) {
		resp, ok := r.(*http.Response)
		if !ok || resp == nil {
			return nil, errNoResponse
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			return nil, newAPIError(call.endpoint, resp)
		}
		return nil, handle(resp)
	})
	ri.AddRequestOptions([]abs.RequestOption{&call, h})
	_, err := c.adapter.SendPrimitive(ctx, ri, "[]byte", nil)
	if err != nil {
		var api *APIError
		if errors.As(err, &api) {
			return err
		}
		// A transport error quotes the request URL (http.Client wraps it
		// in *url.Error above our middleware): a skiptoken, delta link or
		// report download URL must not reach an error text or the journal.
		return classifyTokenError(withoutURL(err))
	}
	return nil
}
