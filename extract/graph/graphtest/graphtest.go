// Package graphtest is an imitation of the Microsoft identity platform and
// Microsoft Graph written independently of extract/graphsim, for tests
// that must not trust the project's own simulator: real TLS (httptest),
// a 429 on the first users call, @odata.nextLink before value, an empty
// middle page, the usage report and the usage-signal reports as a 302 to
// another host serving a CSV with a BOM and CRLF line ends (the Copilot
// report answers 200 with its CSV), and Graph's documentation examples as
// answers. It imports only the standard library.
package graphtest

import (
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tenant, application and secret the imitation accepts.
const (
	TenantID     = "8a2c9f5e-3b1d-4c6e-9f0a-1b2c3d4e5f60"
	ClientID     = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
	ClientSecret = "s3cr3t-value-never-logged"
)

// testdata holds Graph's documentation examples (see testdata/README.md).
//
//go:embed testdata
var testdata embed.FS

// Server imitates the identity platform (OpenID configuration and
// client-credentials token endpoint) and the Graph v1.0 endpoints the
// client reads, over real TLS, with the quirks the tests need.
type Server struct {
	t      testing.TB
	srv    *httptest.Server // authority + Graph
	dl     *httptest.Server // report download host
	Roots  *x509.CertPool   // trusts both hosts
	CSV    string           // the report body served by the download host
	SameDL bool             // redirect the report to the Graph host itself
	Loop   bool             // users page 2 links back to page 2
	// OldSignInCap answers signInActivity pages above 120 users with 400,
	// as Graph did from 2023 until 2025.
	OldSignInCap bool
	// Hook, when set, may answer a Graph call (path without /v1.0, n =
	// this path's call number) itself by returning true.
	Hook func(path string, n int, w http.ResponseWriter, r *http.Request) bool

	mu       sync.Mutex
	calls    map[string]int // per path, to script first-call failures
	dlAuth   []string       // Authorization headers seen on downloads
	badToken int            // Graph calls without the right bearer token
	// signInFilters are the $filter of each sign-in log read.
	signInFilters []string
}

// SignInFilters returns the $filter of each read of the sign-in logs.
func (f *Server) SignInFilters() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.signInFilters...)
}

// New starts the imitation; it stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	f := &Server{t: t, calls: map[string]int{}}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	f.dl = httptest.NewUnstartedServer(http.HandlerFunc(f.download))
	f.dl.StartTLS()
	t.Cleanup(f.dl.Close)
	f.Roots = x509.NewCertPool()
	f.Roots.AddCert(f.srv.Certificate())
	f.Roots.AddCert(f.dl.Certificate())
	f.CSV = defaultCSV(t)
	return f
}

// defaultCSV is a report with a BOM and CRLF line ends whose first data
// row is the concealed PnP sample row.
func defaultCSV(t testing.TB) string {
	t.Helper()
	data, err := testdata.ReadFile("testdata/office365ActiveUserDetail.concealed.pnp-sample.csv")
	if err != nil {
		t.Fatalf("read sample report: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	second := "2022-10-23,0F1E2D3C4B5A69788796A5B4C3D2E1F0,AB12CD34EF56AB12CD34EF56AB12CD34,True,2022-10-01," +
		"False,False,False,False,False,False,,,,,,,,,,,,,"
	body := "\xEF\xBB\xBF" + strings.TrimRight(lines[0], "\r") + "\r\n" + strings.TrimRight(lines[1], "\r") + "\r\n" + second + "\r\n"
	return body
}

// URL is the authority host and Graph endpoint (one host).
func (f *Server) URL() string { return f.srv.URL }

// WriteCA writes the certificates of both hosts as PEM to path, for
// SSL_CERT_FILE.
func (f *Server) WriteCA(path string) error {
	var b []byte
	for _, c := range []*x509.Certificate{f.srv.Certificate(), f.dl.Certificate()} {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return os.WriteFile(path, b, 0o600)
}

// DownloadAuth returns the Authorization headers the download host saw.
func (f *Server) DownloadAuth() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.dlAuth...)
}

// BadTokens counts Graph calls that came without the right bearer token.
func (f *Server) BadTokens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.badToken
}

// nth counts calls to key and returns this call's number (1-based).
func (f *Server) nth(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
	return f.calls[key]
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/v2.0/.well-known/openid-configuration"):
		f.openID(w, r)
	case strings.HasSuffix(p, "/oauth2/v2.0/token"):
		f.token(w, r)
	case strings.HasPrefix(p, "/download/"):
		f.download(w, r)
	case strings.HasPrefix(p, "/v1.0/"):
		if r.Header.Get("Authorization") != "Bearer "+JWT() {
			f.mu.Lock()
			f.badToken++
			f.mu.Unlock()
			WriteGraphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
			return
		}
		gp := strings.TrimPrefix(p, "/v1.0")
		if f.Hook != nil && f.Hook(gp, f.nth("hook"+gp), w, r) {
			return
		}
		f.graph(w, r, gp)
	default:
		http.NotFound(w, r)
	}
}

func (f *Server) openID(w http.ResponseWriter, r *http.Request) {
	tenant := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")[0]
	b := f.URL() + "/" + tenant
	writeJSON(w, map[string]any{
		"token_endpoint":         b + "/oauth2/v2.0/token",
		"authorization_endpoint": b + "/oauth2/v2.0/authorize",
		"issuer":                 b + "/v2.0",
	})
}

func (f *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	assertion := r.PostForm.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
		strings.Count(r.PostForm.Get("client_assertion"), ".") == 2
	if r.PostForm.Get("client_id") != ClientID || (r.PostForm.Get("client_secret") != ClientSecret && !assertion) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0000\r\nCorrelation ID: 1111","error_codes":[7000215],"trace_id":"0000","correlation_id":"1111"}`)
		return
	}
	if got, want := r.PostForm.Get("scope"), f.URL()+"/.default"; !strings.Contains(" "+got+" ", " "+want+" ") {
		f.t.Errorf("token scope: got %q, want it to contain %q", got, want)
	}
	writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3599, "access_token": JWT()})
}

// JWT is the unsigned token whose payload carries the roles.
func JWT() string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{
		"aud": "https://graph.microsoft.com", "tid": TenantID, "appid": ClientID,
		"roles": []string{"User.Read.All", "Reports.Read.All"}, "exp": time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).Unix(),
	})
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + ".c2ln"
}

func (f *Server) graph(w http.ResponseWriter, r *http.Request, p string) {
	switch {
	case p == "/users" && strings.Contains(r.URL.Query().Get("$select"), "signInActivity"):
		f.signInActivity(w, r)
	case p == "/users":
		f.users(w, r)
	case p == "/auditLogs/signIns":
		f.signIns(w, r)
	case p == "/groups":
		writeRaw(w, groupsJSON)
	case p == "/subscribedSkus":
		if f.nth(p) == 1 {
			WriteGraphError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "try later")
			return
		}
		writeFile(f.t, w, "subscribedSkus.v1.json")
	case p == "/directory/subscriptions":
		writeFile(f.t, w, "directorySubscriptions.v1.json")
	case p == "/admin/reportSettings":
		writeFile(f.t, w, "adminReportSettings.v1.json")
	case strings.HasPrefix(p, "/copilot/reports/getMicrosoft365CopilotUsageUserDetail("):
		// v1.0 answers 200 with the CSV itself (no download link).
		if !strings.Contains(p, "period='D90'") {
			WriteGraphError(w, http.StatusBadRequest, "BadRequest", "bad period in "+p)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprint(w, copilotCSV)
	case strings.HasPrefix(p, "/reports/getM365AppUserDetail(period='D180')"),
		strings.HasPrefix(p, "/reports/getOffice365ActivationsUserDetail"),
		strings.HasPrefix(p, "/reports/getMailboxUsageDetail(period='D7')"):
		name, _, _ := strings.Cut(strings.TrimPrefix(p, "/reports/"), "(")
		http.Redirect(w, r, f.dl.URL+"/download/"+name+".csv?sig=abc", http.StatusFound)
	case strings.HasPrefix(p, "/reports/getOffice365ActiveUserDetail"):
		if !strings.Contains(p, "period='D7'") {
			WriteGraphError(w, http.StatusBadRequest, "BadRequest", "bad period in "+p)
			return
		}
		target := f.dl.URL
		if f.SameDL {
			target = f.URL()
		}
		http.Redirect(w, r, target+"/download/report.csv?sig=abc", http.StatusFound)
	default:
		WriteGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "no such resource")
	}
}

// users serves three pages: a 429 first, nextLink before value, an
// empty middle page with a nextLink, and (loop) a link back to itself.
func (f *Server) users(w http.ResponseWriter, r *http.Request) {
	skip := r.URL.Query().Get("$skiptoken")
	if skip == "" && f.nth("users-first") == 1 {
		w.Header().Set("Retry-After", "1")
		WriteGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "throttled")
		return
	}
	if skip == "" {
		q := r.URL.Query()
		if q.Get("$top") != "999" || !strings.Contains(q.Get("$select"), "licenseAssignmentStates") {
			f.t.Errorf("users query: got %q, want $top=999 and the extract.UserSelect fields", r.URL.RawQuery)
		}
	}
	next := func(token string) string { return f.URL() + "/v1.0/users?$skiptoken=" + token }
	switch skip {
	case "":
		writeRaw(w, `{"@odata.context":"x","@odata.nextLink":"`+next("p2")+`","value":[`+userJSON(1)+`,`+userJSON(2)+`]}`)
	case "p2":
		link := next("p3")
		if f.Loop {
			link = next("p2")
		}
		writeRaw(w, `{"@odata.nextLink":"`+link+`","value":[]}`)
	case "p3":
		writeRaw(w, `{"value":[`+userJSON(3)+`],"@odata.context":"x"}`)
	}
}

// signInActivity serves the three users' signInActivity in two pages of
// at most $top users (500 allowed, or 120 with OldSignInCap): user 1 with
// every date, user 2 without lastSuccessfulSignInDateTime (older than its
// recording), user 3 null (never signed in).
func (f *Server) signInActivity(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := "500"
	if f.OldSignInCap {
		limit = "120"
	}
	if q.Get("$skiptoken") == "" && q.Get("$top") != limit {
		WriteGraphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Cannot query data for more than "+limit+" users at a time")
		return
	}
	const (
		u1 = `{"id":"00000000-0000-0000-0000-000000000001","signInActivity":{"lastSignInDateTime":"2022-10-19T08:15:00Z",` +
			`"lastSignInRequestId":"r1","lastNonInteractiveSignInDateTime":"2022-10-22T23:59:59.1234567Z",` +
			`"lastNonInteractiveSignInRequestId":"r2","lastSuccessfulSignInDateTime":"2022-10-22T23:59:59.1234567Z",` +
			`"lastSuccessfulSignInRequestId":"r2"}}`
		u2 = `{"id":"00000000-0000-0000-0000-000000000002","signInActivity":{"lastSignInDateTime":"2022-06-01T10:00:00Z",` +
			`"lastNonInteractiveSignInDateTime":"2022-05-30T10:00:00Z","lastSuccessfulSignInDateTime":null}}`
		u3 = `{"id":"00000000-0000-0000-0000-000000000003","signInActivity":null}`
	)
	if q.Get("$skiptoken") == "" {
		writeRaw(w, `{"@odata.nextLink":"`+f.URL()+`/v1.0/users?$select=id,signInActivity&$top=`+limit+`&$skiptoken=s2","value":[`+u1+`,`+u2+`]}`)
		return
	}
	writeRaw(w, `{"value":[`+u3+`]}`)
}

// SignInsSince and SignInsUntil are the window the sign-in log test
// reads; signIns takes any lower bound on the Power BI service's app id.
const (
	SignInsSince = "2022-09-23T00:00:00Z"
	SignInsUntil = "2022-10-23T00:00:00Z"
)

// signIns serves Power BI sign-in events newest first in two pages: user
// 1 twice (the newest at 2022-10-20T08:00:00Z) and once failed later,
// user 2 once, and, as a service that ignores part of the filter would,
// an event of another application and one older than the window; and one
// at the window's end (SignInsUntil), which the reader must leave to the
// next read.
func (f *Server) signIns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("$skiptoken") == "" {
		filter := q.Get("$filter")
		since, ok := strings.CutPrefix(filter, "appId eq '00000009-0000-0000-c000-000000000000' and createdDateTime ge ")
		if _, err := time.Parse(time.RFC3339, since); !ok || err != nil || q.Get("$top") != "1000" {
			WriteGraphError(w, http.StatusBadRequest, "BadRequest", "unexpected query "+r.URL.RawQuery)
			return
		}
		f.mu.Lock()
		f.signInFilters = append(f.signInFilters, filter)
		f.mu.Unlock()
	}
	event := func(user, at, app string, code int) string {
		return fmt.Sprintf(`{"id":"e-%s-%s","createdDateTime":"%s","userId":"00000000-0000-0000-0000-00000000000%s",`+
			`"userPrincipalName":"user%s@contoso.com","appId":"%s","appDisplayName":"Power BI Service","resourceId":"%s",`+
			`"isInteractive":true,"status":{"errorCode":%d,"failureReason":null}}`, user, at, at, user, user, app, app, code)
	}
	const pbi = "00000009-0000-0000-c000-000000000000"
	if q.Get("$skiptoken") == "" {
		writeRaw(w, `{"@odata.context":"x","value":[`+event("2", "2022-10-23T00:00:00Z", pbi, 0)+`,`+
			event("1", "2022-10-21T09:00:00Z", pbi, 50126)+`,`+
			event("1", "2022-10-20T08:00:00Z", pbi, 0)+`,`+event("2", "2022-10-19T12:00:00Z", "other-app", 0)+
			`],"@odata.nextLink":"`+f.URL()+`/v1.0/auditLogs/signIns?$skiptoken=e2"}`)
		return
	}
	writeRaw(w, `{"value":[`+event("1", "2022-10-02T07:00:00Z", pbi, 0)+`,`+event("2", "2022-09-30T07:30:00Z", pbi, 0)+`,`+
		event("2", "2022-09-01T07:30:00Z", pbi, 0)+`]}`)
}

func (f *Server) download(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.dlAuth = append(f.dlAuth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if r.URL.Query().Get("sig") != "abc" {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	body, ok := signalCSV[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/download/"), ".csv")]
	if !ok {
		body = f.CSV
	}
	fmt.Fprint(w, body)
}

// The usage-signal reports of the three users, in the documented column
// orders (extract/graph/testdata/README.md), with a BOM and CRLF line ends
// and both spellings of a missing date ("" and null). User 1 uses
// Copilot and desktop Office; user 2 holds Copilot but never used it and
// works on the web only; user 3's mailbox is a shared one.
const (
	copilotCSV = "\uFEFFReport Refresh Date,User Principal Name,Display Name,Last Activity Date,Copilot Chat Last Activity Date," +
		"Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot Last Activity Date," +
		"PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date," +
		"Loop Copilot Last Activity Date,Report Period\r\n" +
		"2022-10-21,user1@contoso.com,User 1,2022-10-20,2022-10-20,,2022-10-01,null,,,,,90\r\n" +
		"2022-10-21,user2@contoso.com,User 2,null,,,,,,,,,90\r\n"
	appsCSV = "\uFEFFReport Refresh Date,User Principal Name,Last Activation Date,Last Activity Date,Report Period," +
		"Windows,Mac,Mobile,Web,Outlook,Word,Excel,PowerPoint,OneNote,Teams," +
		"Outlook (Windows),Word (Windows),Excel (Windows),PowerPoint (Windows),OneNote (Windows),Teams (Windows)," +
		"Outlook (Mac),Word (Mac),Excel (Mac),PowerPoint (Mac),OneNote (Mac),Teams (Mac)," +
		"Outlook (Mobile),Word (Mobile),Excel (Mobile),PowerPoint (Mobile),OneNote (Mobile),Teams (Mobile)," +
		"Outlook (Web),Word (Web),Excel (Web),PowerPoint (Web),OneNote (Web),Teams (Web)\r\n" +
		"2022-10-23,user1@contoso.com,2022-01-05,2022-10-22,180,Yes,No,No,Yes,Yes,Yes,No,No,No,Yes," +
		"Yes,Yes,No,No,No,Yes,No,No,No,No,No,No,No,No,No,No,No,No,Yes,No,No,No,No,No\r\n" +
		"2022-10-23,user2@contoso.com,,2022-10-18,180,No,No,No,Yes,Yes,No,No,No,No,No," +
		"No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,Yes,No,No,No,No,No\r\n"
	activationsCSV = "\uFEFFReport Refresh Date,User Principal Name,Display Name,Product Type,Last Activated Date," +
		"Windows,Mac,Windows 10 Mobile,iOS,Android,Activated On Shared Computer\r\n" +
		"2022-10-23,user1@contoso.com,User 1,MICROSOFT 365 APPS FOR ENTERPRISE,2022-01-05,1,0,0,0,0,False\r\n" +
		"2022-10-23,user2@contoso.com,User 2,MICROSOFT 365 APPS FOR ENTERPRISE,,0,0,0,0,0,False\r\n"
	mailboxCSV = "\uFEFFReport Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Created Date,Last Activity Date," +
		"Item Count,Storage Used (Byte),Issue Warning Quota (Byte),Prohibit Send Quota (Byte),Prohibit Send/Receive Quota (Byte)," +
		"Deleted Item Count,Deleted Item Size (Byte),Deleted Item Quota (Byte),Has Archive,Recipient Type,Report Period\r\n" +
		"2022-10-23,user1@contoso.com,User 1,False,,2021-03-01,2022-10-22,5120,3221225472,52613349376,53687091200,53687091200,10,1048576,32212254720,False,User,7\r\n" +
		"2022-10-23,user2@contoso.com,User 2,False,,2021-03-02,2022-10-21,812,104857600,52613349376,53687091200,53687091200,0,0,32212254720,False,User,7\r\n" +
		"2022-10-23,user3@contoso.com,User 3,False,,2021-03-03,null,77,52428800,52613349376,53687091200,53687091200,0,0,32212254720,False,Shared,7\r\n"
)

// signalCSV is the download body of each signal report behind a link.
var signalCSV = map[string]string{
	"getM365AppUserDetail":              appsCSV,
	"getOffice365ActivationsUserDetail": activationsCSV,
	"getMailboxUsageDetail":             mailboxCSV,
}

// userJSON is user n in Graph's shape; user 2 has a group-based licence
// and is synced from on-premises AD, user 3 was synced (sync now off,
// its DN kept), user 1 is cloud-only.
func userJSON(n int) string {
	onPrem := `"onPremisesDistinguishedName":null,"onPremisesSyncEnabled":null`
	switch n {
	case 2:
		onPrem = `"onPremisesDistinguishedName":"CN=User 2,OU=Sales,OU=Users,DC=contoso,DC=com","onPremisesSyncEnabled":true`
	case 3:
		onPrem = `"onPremisesDistinguishedName":"CN=User\\, Three,OU=Users,DC=contoso,DC=com","onPremisesSyncEnabled":false`
	}
	return fmt.Sprintf(`{"id":"00000000-0000-0000-0000-00000000000%d","userPrincipalName":"user%d@contoso.com",
"displayName":"User %d","mail":null,"department":"Sales","employeeOrgData":{"costCenter":"CC%d","division":null},
"companyName":"Contoso","country":"France","usageLocation":"FR","userType":"Member","accountEnabled":true,
"createdDateTime":"2021-03-0%dT10:00:00Z","assignedLicenses":[{"disabledPlans":[],"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df"}],
"licenseAssignmentStates":[{"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df","assignedByGroup":%s,"state":"Active","error":"None","disabledPlans":[],"lastUpdatedDateTime":"2023-05-06T07:08:09Z"}],%s}`,
		n, n, n, n, n, map[bool]string{true: `"11111111-2222-3333-4444-555555555555"`, false: "null"}[n == 2], onPrem)
}

const groupsJSON = `{"value":[
{"id":"11111111-2222-3333-4444-555555555555","displayName":"E5 users","assignedLicenses":[{"disabledPlans":["8c098270-9dd4-4350-9b30-ba4703f3b36b"],"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df"}]},
{"id":"66666666-7777-8888-9999-000000000000","displayName":"No licences","assignedLicenses":[]}]}`

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

func writeFile(t testing.TB, w http.ResponseWriter, name string) {
	data, err := testdata.ReadFile("testdata/" + name)
	if err != nil {
		t.Errorf("read example %s: %v", name, err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, string(data))
}

// WriteGraphError answers with Graph's error body.
func WriteGraphError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", "req-"+code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":%q,"innerError":{"request-id":"req-%s"}}}`, code, msg, code)
}
