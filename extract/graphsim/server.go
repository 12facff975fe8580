package graphsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// DefaultPermissions are the application permissions (token roles) granted
// when ServerOptions.Permissions is nil: seatledger's read set. Listing
// groups needs GroupMember.Read.All (or Group.Read.All, Directory.Read.All)
// in Graph, so it is part of the set. AuditLog.Read.All, which users'
// signInActivity and the sign-in logs need, is not: grant it to read them.
var DefaultPermissions = []string{
	"User.Read.All", "Organization.Read.All", "Reports.Read.All",
	"ReportSettings.Read.All", "GroupMember.Read.All",
}

// SignInPermissions are DefaultPermissions and AuditLog.Read.All: an app
// that also reads users' signInActivity and the sign-in logs.
var SignInPermissions = append([]string{"AuditLog.Read.All"}, DefaultPermissions...)

// ServerOptions configures the simulated Entra ID and Graph endpoints.
type ServerOptions struct {
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// Dir receives the CA certificate (graphsim-ca.pem, mode 0600); default
	// CADir, else a temporary directory removed by Close.
	Dir string
	// CADir keeps the CA across starts: its certificate (graphsim-ca.pem)
	// and key (graphsim-ca-key.pem, mode 0600) are reused when there and
	// created there otherwise (again when the certificate expires within a
	// day), so that clients trust one CA file for every start. Empty: a
	// new CA per server.
	CADir string
	// ClientID of the app registration; default derived from the tenant id.
	ClientID string
	// ClientSecret the token endpoint accepts; default derived from the
	// tenant's seed and id, the same at every start.
	ClientSecret string
	// Permissions are the application permissions granted to the app
	// (the token's roles); nil means DefaultPermissions.
	Permissions []string
	// Latency delays every Graph response (pages included).
	Latency time.Duration
	// ThrottleRate is the fraction of Graph requests answered 429, chosen
	// deterministically from Seed.
	ThrottleRate float64
	// ThrottleFirst answers the first N Graph requests 429.
	ThrottleFirst int
	// RetryAfter is the Retry-After of a 429 (whole seconds); default 1s.
	RetryAfter time.Duration
	// ServerErrorRate is the fraction of Graph requests answered 500, 502
	// or 503 with a Graph error body.
	ServerErrorRate float64
	// SlowPages is the fraction of user and group pages delayed by a
	// further SlowPageDelay (default 2s).
	SlowPages     float64
	SlowPageDelay time.Duration
	// PageSize is the page size when the client sends no $top; default 100
	// (Graph's). $top is honoured from 1 to 999 either way.
	PageSize int
	// Concealed switches the tenant's report settings to concealed names.
	Concealed bool
	// TokenOutage makes the token endpoint answer 503.
	TokenOutage bool
	// TokenLifetime is the access token lifetime; default 3599s.
	TokenLifetime time.Duration
	// ReportLinkTTL is how long a report download URL works; default 5m.
	ReportLinkTTL time.Duration
	// ReportCRLF ends report CSV lines with CRLF instead of LF.
	ReportCRLF bool
	// ReportNullDates writes the absent dates of the Copilot, Apps usage,
	// activations and mailbox usage reports as the literal null instead
	// of an empty cell (both occur; the Office 365 report keeps empty
	// cells).
	ReportNullDates bool
	// AppsUsageTrueFalse writes the Apps usage report's flags True/False
	// instead of Yes/No (Microsoft documents neither literal).
	AppsUsageTrueFalse bool
	// MailboxRecipientTypeDetails writes the mailbox usage report's
	// Recipient Type SharedMailbox/UserMailbox instead of Shared/User
	// (the literal is unverified).
	MailboxRecipientTypeDetails bool
	// SignInThrottle is how many requests of the identity-and-access
	// reports (GET /users or /users/{id} selecting signInActivity, GET
	// /auditLogs/signIns) the app may make per SignInThrottleWindow; more
	// answer 429 TooManyRequests with Retry-After, counted in
	// FaultCounts.ReportThrottled. 0 means Graph's documented 5 per 10
	// seconds; negative, no limit.
	SignInThrottle int
	// SignInThrottleWindow is the throttle's sliding window; default 10s.
	SignInThrottleWindow time.Duration
	// Faults are resets, truncated bodies, paging and report faults.
	Faults
	// Seed makes fault injection reproducible.
	Seed int64
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// Server is the simulated Entra ID and Microsoft Graph, on one HTTPS host.
type Server struct {
	tenant  *Tenant
	opts    ServerOptions
	log     *slog.Logger
	pki     *pki
	pool    *x509.CertPool
	dir     string
	tempDir bool
	secret  string
	client  string
	grants  map[string]bool

	certOnce sync.Once
	cert     atomic.Pointer[clientCert]
	certErr  error

	mu       sync.Mutex
	ln       net.Listener
	srv      *http.Server
	url      string
	links    map[string]reportLink
	requests atomic.Int64 // Graph requests so far, for fault decisions
	outage   atomic.Bool
	latency  atomic.Int64 // time.Duration added to Graph responses
	secretMu sync.RWMutex // guards secret (SetClientSecret)
	stats    statsRecorder
	faults   faultCounters // what Faults injected

	reportLimit windowLimiter // SignInThrottle
}

// NewServer prepares a server for t: certificates, CA file, credentials.
// Call Start to listen.
func NewServer(t *Tenant, opts ServerOptions) (*Server, error) {
	if t == nil {
		return nil, errors.New("new graphsim server: nil tenant")
	}
	if opts.PageSize < 0 || opts.PageSize > 999 {
		return nil, fmt.Errorf("new graphsim server: PageSize must be 0 to 999, got %d", opts.PageSize)
	}
	for name, v := range map[string]float64{"ThrottleRate": opts.ThrottleRate, "ServerErrorRate": opts.ServerErrorRate, "SlowPages": opts.SlowPages} {
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("new graphsim server: %s must be between 0 and 1, got %g", name, v)
		}
	}
	if err := opts.Faults.validate(); err != nil {
		return nil, fmt.Errorf("new graphsim server: %w", err)
	}
	applyDefaults(&opts, t)
	s := &Server{tenant: t, opts: opts, log: opts.Logger, secret: opts.ClientSecret, client: opts.ClientID,
		grants: map[string]bool{}, links: map[string]reportLink{}, stats: newStatsRecorder()}
	for _, p := range opts.Permissions {
		s.grants[strings.ToLower(p)] = true
	}
	s.reportLimit.limit, s.reportLimit.window = opts.SignInThrottle, opts.SignInThrottleWindow
	s.outage.Store(opts.TokenOutage)
	s.latency.Store(int64(opts.Latency))
	if opts.Concealed {
		t.SetReportSettings(extract.ReportSettings{DisplayConcealedNames: true})
	}
	var err error
	if s.pki, err = newPKI(time.Now(), opts.CADir); err != nil {
		return nil, fmt.Errorf("new graphsim server: %w", err)
	}
	s.pool = x509.NewCertPool()
	s.pool.AddCert(s.pki.caCert)
	if err := s.writeCA(); err != nil {
		return nil, fmt.Errorf("new graphsim server: %w", err)
	}
	return s, nil
}

func applyDefaults(o *ServerOptions, t *Tenant) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.ClientID == "" {
		o.ClientID = namedGUID(t.seed, "app:"+t.tenantID, 0)
	}
	if o.ClientSecret == "" {
		o.ClientSecret = seededSecret(t.seed, t.tenantID)
	}
	if o.Dir == "" {
		o.Dir = o.CADir
	}
	if o.Permissions == nil {
		o.Permissions = DefaultPermissions
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.SlowPageDelay <= 0 {
		o.SlowPageDelay = 2 * time.Second
	}
	if o.PageSize == 0 {
		o.PageSize = 100
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = 3599 * time.Second
	}
	if o.SignInThrottle == 0 {
		o.SignInThrottle = defaultSignInThrottle
	}
	if o.SignInThrottleWindow <= 0 {
		o.SignInThrottleWindow = defaultSignInThrottleWindow
	}
	if o.ReportLinkTTL <= 0 {
		o.ReportLinkTTL = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// seededSecret looks like an Entra client secret value (40 characters).
// It is derived from the seed and tenant id rather than random, so that a
// configuration written once works for every start of the same tenant
// (a loopback simulator's secret guards nothing).
func seededSecret(seed int64, tenantID string) string {
	var b [32]byte
	h := nameHash("client-secret:" + tenantID)
	for n := range 4 {
		binary.BigEndian.PutUint64(b[8*n:], hash3(seed, h, uint64(n)))
	}
	s := base64.RawURLEncoding.EncodeToString(b[:30])
	return s[:3] + "8Q~" + s[6:]
}

func (s *Server) writeCA() error {
	s.dir = s.opts.Dir
	if s.dir == "" {
		d, err := os.MkdirTemp("", "graphsim-")
		if err != nil {
			return fmt.Errorf("create temp dir for CA file: %w", err)
		}
		s.dir, s.tempDir = d, true
	} else if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("create CA dir %s: %w", s.dir, err)
	}
	if err := os.WriteFile(s.CAFile(), s.pki.caPEM, 0o600); err != nil {
		return fmt.Errorf("write CA file %s: %w", s.CAFile(), err)
	}
	return nil
}

// Start listens (TLS) and serves in the background.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("start graphsim: already started")
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("start graphsim: listen on %s: %w", s.opts.Addr, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s.url = fmt.Sprintf("https://127.0.0.1:%d", port)
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{s.pki.leaf}, NextProtos: []string{"h2", "http/1.1"}}
	s.ln = tls.NewListener(ln, tlsConf)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsConf,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	go func() {
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("graphsim serve", "err", err)
		}
	}()
	s.log.Info("graphsim listening", "url", s.url, "tenant", s.tenant.tenantID, "users", s.tenant.users)
	return nil
}

// Close stops the server and removes the temporary CA directory it made.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	var err error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err = srv.Shutdown(ctx); err != nil {
			err = fmt.Errorf("stop graphsim: %w", errors.Join(err, srv.Close()))
		}
	}
	if s.tempDir {
		err = errors.Join(err, os.RemoveAll(s.dir))
	}
	return err
}

// URL is the base URL of both the authority and Graph: https://127.0.0.1:PORT.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// CAFile is the path of the PEM CA certificate that signs the server's
// TLS certificate (trust it, e.g. with SSL_CERT_FILE).
func (s *Server) CAFile() string { return filepath.Join(s.dir, caCertFile) }

// CertPool holds the simulator's CA, for an http.Client's RootCAs.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// TenantID is the simulated directory id.
func (s *Server) TenantID() string { return s.tenant.tenantID }

// ClientID is the application (client) id of the simulated app
// registration.
func (s *Server) ClientID() string { return s.client }

// ClientSecret is the secret the token endpoint accepts.
func (s *Server) ClientSecret() string {
	s.secretMu.RLock()
	defer s.secretMu.RUnlock()
	return s.secret
}

// SetClientSecret changes the secret the token endpoint accepts from now
// on, as when an administrator rotates it: the old one gets 401.
func (s *Server) SetClientSecret(secret string) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	s.secret = secret
}

// Tenant returns the simulated tenant.
func (s *Server) Tenant() *Tenant { return s.tenant }

// SetLatency changes the delay added to every Graph response from now on.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// SetTokenOutage switches the token endpoint's 503 outage on or off.
func (s *Server) SetTokenOutage(on bool) { s.outage.Store(on) }

// ClientCertificate returns a PEM certificate and PKCS#8 key registered on
// the app: azidentity.ParseCertificates reads it for the certificate
// credential. The RSA key is generated on first use.
func (s *Server) ClientCertificate() ([]byte, error) {
	s.certOnce.Do(func() {
		var c *clientCert
		if c, s.certErr = newClientCert(time.Now(), s.client); s.certErr == nil {
			s.cert.Store(c)
		}
	})
	if s.certErr != nil {
		return nil, fmt.Errorf("graphsim client certificate: %w", s.certErr)
	}
	return s.cert.Load().pem, nil
}
