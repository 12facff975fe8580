package graph

import (
	"context"
	"fmt"
	"net/http"
	"time"

	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoft/kiota-abstractions-go/store"
	kauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/seatledger/seatledger/extract"
)

// sdkTimeout is the kiota default client's timeout (kiota-http-go
// GetDefaultClient), kept for the yardstick.
const sdkTimeout = 100 * time.Second

// SDKReadUsers reads every user of the tenant the way the msgraph-sdk-go
// documentation pages through a collection, and returns how many it saw:
// client.Users().Get with $top and the $select that Users sends
// (extract.UserSelect), then msgraphcore.NewPageIterator[models.Userable]
// over every page, each user decoded into the SDK's models
// (https://learn.microsoft.com/graph/sdks/paging?tabs=go).
//
// It is the yardstick of `seatledger bench --scenario nightly-100k`, not a
// dataset: the nightly job is measured against the time this plain read
// takes. It shares c's credential, endpoint and trusted roots, but not its
// HTTP pipeline: the request adapter, the middleware (kiota's retry,
// redirect and compression handlers and Graph's telemetry handler), the
// JSON parse nodes and the backing store are the SDK's defaults, as
// msgraphsdk.NewGraphServiceClientWithCredentials builds them. The
// msgraph-sdk-go root package (GraphServiceClient) is not imported: it
// pulls in every request builder of Graph v1.0 and three more serializer
// modules; its Users() is users.NewUsersRequestBuilderInternal with the
// base URL as path parameter, which is what is built here.
func (c *Client) SDKReadUsers(ctx context.Context) (int, error) {
	adapter, err := c.sdkAdapter()
	if err != nil {
		return 0, err
	}
	b := users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": adapter.GetBaseUrl()}, adapter)
	top := int32(c.cfg.PageSize)
	res, err := b.Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Select: extract.UserSelect, Top: &top},
	})
	if err != nil {
		return 0, fmt.Errorf("sdk read users: first page: %w", withoutURL(err))
	}
	it, err := core.NewPageIterator[models.Userable](res, adapter, models.CreateUserCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return 0, fmt.Errorf("sdk read users: page iterator: %w", err)
	}
	n := 0
	err = it.Iterate(ctx, func(u models.Userable) bool {
		if u.GetId() != nil {
			n++
		}
		return true
	})
	if err != nil {
		return n, fmt.Errorf("sdk read users after %d: %w", n, withoutURL(err))
	}
	return n, nil
}

// sdkAdapter builds the SDK's default request adapter for c's endpoint:
// the default Graph middleware over a transport that trusts c's roots.
func (c *Client) sdkAdapter() (*core.GraphRequestAdapterBase, error) {
	hosts := []string{c.graph.Hostname()}
	if c.graph.Port() != "" {
		hosts = append(hosts, c.graph.Host)
	}
	auth, err := kauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(c.cred, []string{c.scope}, hosts)
	if err != nil {
		return nil, fmt.Errorf("sdk read users: authentication provider: %w", err)
	}
	opts := core.GraphClientOptions{GraphServiceLibraryVersion: sdkVersion}
	transport := khttp.GetDefaultTransport()
	if t, ok := transport.(*http.Transport); ok {
		t.TLSClientConfig = tlsConfig(c.cfg)
	}
	client := &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(transport, core.GetDefaultMiddlewaresWithOptions(&opts)...),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       sdkTimeout,
	}
	parse := absser.NewParseNodeFactoryRegistry()
	parse.ContentTypeAssociatedFactories["application/json"] = jsonser.NewJsonParseNodeFactory()
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, opts, parse, nil, client)
	if err != nil {
		return nil, fmt.Errorf("sdk read users: request adapter: %w", err)
	}
	adapter.SetBaseUrl(c.graph.String() + "/v1.0")
	adapter.EnableBackingStore(store.BackingStoreFactoryInstance)
	return adapter, nil
}
