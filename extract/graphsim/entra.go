package graphsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The Entra ID side: OpenID discovery and the v2.0 token endpoint, as
// MSAL for Go (under azidentity) calls them for a custom authority with
// instance discovery disabled: GET {authority}/{tenant}/v2.0/.well-known/
// openid-configuration, then POST the token_endpoint it names. MSAL
// requires the issuer to be on the authority's host.

// knownTenant reports whether name addresses this tenant (id or domain).
func (s *Server) knownTenant(name string) bool {
	name = strings.ToLower(name)
	return name == s.tenant.tenantID || name == s.tenant.domain || name == s.tenant.initialDomain
}

func (s *Server) serveOpenIDConfig(w http.ResponseWriter, r *http.Request, tenant string) {
	if !s.knownTenant(tenant) {
		s.entraError(w, r, http.StatusBadRequest, "invalid_tenant", 90002,
			fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	base, tid := s.URL(), s.tenant.tenantID
	doc := map[string]any{
		"token_endpoint":                        base + "/" + tid + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/" + tid + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/" + tid + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     base + "/oidc/userinfo",
		"authorization_endpoint":                base + "/" + tid + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/" + tid + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/" + tid + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "tid", "ver"},
		"kerberos_endpoint":                     base + "/" + tid + "/kerberos",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   strings.TrimPrefix(base, "https://"),
		"cloud_graph_host_name":                 strings.TrimPrefix(base, "https://"),
		"msgraph_host":                          strings.TrimPrefix(base, "https://"),
		"rbac_url":                              base,
	}
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", doc)
}

func (s *Server) serveKeys(w http.ResponseWriter, _ *http.Request) {
	x, y := coordinates(&s.pki.tokenKey.PublicKey)
	key := map[string]any{"kty": "EC", "use": "sig", "crv": "P-256", "kid": s.tokenKeyID(),
		"x": b64.EncodeToString(x), "y": b64.EncodeToString(y)}
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", map[string]any{"keys": []any{key}})
}

// entraFailure is one AADSTS error.
type entraFailure struct {
	status int
	code   string
	aadsts int
	msg    string
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if s.outage.Load() {
		s.entraError(w, r, http.StatusServiceUnavailable, "temporarily_unavailable", 90033,
			"A transient error has occurred. Please try again.")
		return
	}
	if r.Method != http.MethodPost {
		s.entraError(w, r, http.StatusMethodNotAllowed, "invalid_request", 900561,
			"The endpoint only accepts POST requests. Received a "+r.Method+" request.")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.entraError(w, r, http.StatusBadRequest, "invalid_request", 900144, "The request body must be a form: "+err.Error())
		return
	}
	aud, method, fail := s.checkTokenRequest(r, tenant)
	if fail != nil {
		s.entraError(w, r, fail.status, fail.code, fail.aadsts, fail.msg)
		return
	}
	now := time.Now()
	tok, err := s.issueToken(tokenClaims{
		Aud: aud, Iss: "https://sts.windows.net/" + s.tenant.tenantID + "/", Iat: now.Unix(), Nbf: now.Unix(),
		Exp: now.Add(s.opts.TokenLifetime).Unix(), AppID: s.client, AppIDAc: method,
		Idp: "https://sts.windows.net/" + s.tenant.tenantID + "/", Idtyp: "app",
		Oid: namedGUID(s.tenant.seed, "service-principal", 0), Roles: s.opts.Permissions,
		Sub: namedGUID(s.tenant.seed, "service-principal", 0), Tid: s.tenant.tenantID,
		Uti: b64.EncodeToString([]byte(requestID())[:16]), Ver: "1.0",
	})
	if err != nil {
		s.entraError(w, r, http.StatusInternalServerError, "server_error", 50000, "There was an error issuing a token: "+err.Error())
		return
	}
	secs := int(s.opts.TokenLifetime / time.Second)
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", map[string]any{
		"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": tok})
}

// checkTokenRequest validates a client-credentials request and returns the
// token audience and appidacr ("1" secret, "2" certificate).
func (s *Server) checkTokenRequest(r *http.Request, tenant string) (string, string, *entraFailure) {
	f := r.PostForm
	switch {
	case !s.knownTenant(tenant):
		return "", "", &entraFailure{400, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)}
	case f.Get("grant_type") != "client_credentials":
		return "", "", &entraFailure{400, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'.", f.Get("grant_type"))}
	case f.Get("client_id") == "":
		return "", "", &entraFailure{400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."}
	case !strings.EqualFold(f.Get("client_id"), s.client):
		return "", "", &entraFailure{400, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", f.Get("client_id"), s.tenant.tenantID)}
	}
	aud, fail := s.tokenAudience(f.Get("scope"))
	if fail != nil {
		return "", "", fail
	}
	switch {
	case f.Get("client_secret") != "":
		if f.Get("client_secret") != s.ClientSecret() {
			return "", "", &entraFailure{401, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", s.client)}
		}
		return aud, "1", nil
	case f.Get("client_assertion") != "":
		if fail := s.checkAssertion(f.Get("client_assertion_type"), f.Get("client_assertion")); fail != nil {
			return "", "", fail
		}
		return aud, "2", nil
	}
	return "", "", &entraFailure{401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
}

// tokenAudience finds the resource of the "/.default" scope.
func (s *Server) tokenAudience(scope string) (string, *entraFailure) {
	if strings.TrimSpace(scope) == "" {
		return "", &entraFailure{400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."}
	}
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "offline_access":
			continue
		}
		res, ok := strings.CutSuffix(sc, "/.default")
		if !ok {
			return "", &entraFailure{400, "invalid_scope", 1002012, fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", sc)}
		}
		if !s.acceptedAudience(res) {
			return "", &entraFailure{400, "invalid_resource", 500011, fmt.Sprintf("The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", res, s.tenant.tenantID)}
		}
		return strings.TrimSuffix(res, "/"), nil
	}
	return "", &entraFailure{400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."}
}

// checkAssertion verifies a certificate credential's client assertion:
// a JWT signed by the registered certificate, naming the client id and
// addressed to this token endpoint.
func (s *Server) checkAssertion(typ, raw string) *entraFailure {
	if typ != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return &entraFailure{400, "invalid_request", 700023, "Client assertion type is invalid: '" + typ + "'."}
	}
	a, err := parseAssertion(raw)
	if err != nil {
		return &entraFailure{401, "invalid_client", 50027, "JWT token is invalid or malformed: " + err.Error()}
	}
	c := s.cert.Load()
	thumb, err := base64.StdEncoding.DecodeString(a.thumbS256)
	if c == nil || err != nil || !bytes.Equal(thumb, c.thumbprint) {
		return &entraFailure{401, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not registered on application."}
	}
	now := time.Now().Unix()
	switch {
	case c.verify(a.alg, a.signed, a.sig) != nil:
		return &entraFailure{401, "invalid_client", 700027, "Client assertion contains an invalid signature."}
	case !strings.EqualFold(a.iss, s.client) || !strings.EqualFold(a.sub, s.client):
		return &entraFailure{401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter."}
	case !strings.HasSuffix(strings.ToLower(a.aud), "/oauth2/v2.0/token") && !strings.EqualFold(strings.TrimSuffix(a.aud, "/"), s.URL()+"/"+s.tenant.tenantID+"/v2.0"):
		return &entraFailure{401, "invalid_client", 700212, "No matching audience found in the client assertion: " + a.aud + "."}
	case a.exp <= now || a.nbf > now+300:
		return &entraFailure{401, "invalid_client", 700024, "Client assertion is not within its valid time range."}
	}
	return nil
}

// entraError writes an AADSTS error body the way Entra ID does.
func (s *Server) entraError(w http.ResponseWriter, r *http.Request, status int, code string, aadsts int, msg string) {
	trace, corr := requestID(), r.Header.Get("client-request-id")
	if corr == "" {
		corr = requestID()
	}
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", aadsts, msg, trace, corr, ts)
	writeJSON(w, status, "application/json; charset=utf-8", map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{aadsts}, "timestamp": ts,
		"trace_id": trace, "correlation_id": corr, "error_uri": s.URL() + "/error?code=" + fmt.Sprint(aadsts)})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client hung up; nothing to do
}
