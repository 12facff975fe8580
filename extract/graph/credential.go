package graph

import (
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// newCredential builds the azidentity credential of cfg.Auth. Every
// credential talks to the configured authority through a transport that
// trusts cfg.RootCAs and reports each attempt as endpoint "token";
// instance discovery is disabled for custom clouds, whose authority
// Microsoft's discovery endpoint does not know.
func newCredential(cfg Config, ep cloudEndpoints) (azcore.TokenCredential, error) {
	opts := azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: ep.Authority + "/"},
		Transport: &tokenTransport{client: &http.Client{Transport: baseTransport(tlsConfig(cfg))}, observe: cfg.Observe},
	}
	noDiscovery := cfg.Cloud == "custom"
	a := cfg.Auth
	switch a.Method {
	case AuthClientSecret:
		return azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, a.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: noDiscovery})
	case AuthClientCertificate:
		certs, key, err := azidentity.ParseCertificates(a.CertificatePEM, []byte(a.CertificatePassword))
		if err != nil {
			return nil, fmt.Errorf("Auth.CertificatePEM: %w", err)
		}
		return azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: noDiscovery})
	case AuthManagedIdentity:
		// The managed identity endpoint is local to the host (IMDS, App
		// Service...); on Service Fabric azidentity refuses a custom
		// Transport, so this credential keeps azcore's default one.
		mi := &azidentity.ManagedIdentityCredentialOptions{}
		if a.ManagedIdentityClientID != "" {
			mi.ID = azidentity.ClientID(a.ManagedIdentityClientID)
		}
		return azidentity.NewManagedIdentityCredential(mi)
	case AuthWorkloadIdentity:
		return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: opts, ClientID: cfg.ClientID, TenantID: cfg.TenantID,
			TokenFilePath: a.FederatedTokenFile, DisableInstanceDiscovery: noDiscovery,
		})
	case AuthDefault:
		return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			ClientOptions: opts, TenantID: cfg.TenantID, DisableInstanceDiscovery: noDiscovery,
		})
	}
	return nil, fmt.Errorf("Auth.Method: unknown method %q", a.Method)
}

// tokenTransport is the azcore Transporter of the credential: it reports
// every attempt to Observe as endpoint "token".
type tokenTransport struct {
	client  *http.Client
	observe func(string, int)
}

// Do implements policy.Transporter.
func (t *tokenTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.client.Do(req)
	if t.observe != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.observe(endpointToken, status)
	}
	return resp, err
}
