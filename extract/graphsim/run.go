package graphsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Options covers both the generator and the server, one field per
// `seatledger graphsim` flag (see RegisterFlags for the names), plus Now.
type Options struct {
	Users           int
	Seed            int64
	Day             int
	DailyChurn      float64
	TenantID        string
	Domain          string
	CopilotSeats    float64
	NoEntraPremium  bool
	Addr            string
	Dir             string
	CADir           string
	ClientSecret    string
	Permissions     []string
	Latency         time.Duration
	ThrottleRate    float64
	ThrottleFirst   int
	RetryAfter      time.Duration
	ServerErrorRate float64
	SlowPages       float64
	SlowPageDelay   time.Duration
	PageSize        int
	Concealed       bool
	TokenOutage     bool
	ReportCRLF      bool
	// The signal reports' literals (ServerOptions).
	ReportNullDates, AppsUsageTrueFalse, MailboxRecipientTypeDetails bool
	// The identity-and-access reports' throttle (ServerOptions).
	SignInThrottle       int
	SignInThrottleWindow time.Duration
	Faults
	// Now is the tenant's "today" (GenOptions.Now); zero means time.Now().
	Now    time.Time
	Logger *slog.Logger
}

// DefaultOptions are the flag defaults: a 1,000-user tenant, seed 1,
// loopback on a free port, no faults, Graph's throttle of the
// identity-and-access reports.
func DefaultOptions() Options {
	return Options{Users: 1000, Seed: 1, Addr: "127.0.0.1:0", RetryAfter: time.Second,
		SlowPageDelay: 2 * time.Second, PageSize: 100, Permissions: append([]string(nil), DefaultPermissions...),
		SignInThrottle: defaultSignInThrottle, SignInThrottleWindow: defaultSignInThrottleWindow}
}

// GenOptions returns the generator part of o.
func (o Options) GenOptions() GenOptions {
	return GenOptions{Users: o.Users, Seed: o.Seed, Now: o.Now, Day: o.Day, DailyChurn: o.DailyChurn,
		TenantID: o.TenantID, Domain: o.Domain, CopilotSeats: o.CopilotSeats, NoEntraPremium: o.NoEntraPremium}
}

// ServerOptions returns the server part of o.
func (o Options) ServerOptions() ServerOptions {
	return ServerOptions{Addr: o.Addr, Dir: o.Dir, CADir: o.CADir, ClientSecret: o.ClientSecret, Permissions: o.Permissions,
		Latency: o.Latency, ThrottleRate: o.ThrottleRate, ThrottleFirst: o.ThrottleFirst, RetryAfter: o.RetryAfter,
		ServerErrorRate: o.ServerErrorRate, SlowPages: o.SlowPages, SlowPageDelay: o.SlowPageDelay,
		PageSize: o.PageSize, Concealed: o.Concealed, TokenOutage: o.TokenOutage, ReportCRLF: o.ReportCRLF,
		ReportNullDates: o.ReportNullDates, AppsUsageTrueFalse: o.AppsUsageTrueFalse,
		MailboxRecipientTypeDetails: o.MailboxRecipientTypeDetails, SignInThrottle: o.SignInThrottle,
		SignInThrottleWindow: o.SignInThrottleWindow, Faults: o.Faults, Seed: o.Seed, Logger: o.Logger}
}

// RegisterFlags defines one flag per option on fs, defaults taken from o
// (start from DefaultOptions). With pflag/cobra, add fs through
// pflag.FlagSet.AddGoFlagSet.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.Users, "users", o.Users, "number of simulated users")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "generator and fault seed (same seed, same tenant, ids and client secret)")
	fs.IntVar(&o.Day, "day", o.Day, "serve the tenant as it stands after this many days of --daily-churn (its origin is today minus that many days)")
	fs.Float64Var(&o.DailyChurn, "daily-churn", o.DailyChurn, "fraction of users changed, added or deleted each day of --day (0..1, e.g. 0.01)")
	fs.StringVar(&o.TenantID, "tenant-id", o.TenantID, "tenant id (default derived from the seed)")
	fs.StringVar(&o.Domain, "domain", o.Domain, `verified domain of users (default "contoso.example")`)
	fs.Float64Var(&o.CopilotSeats, "copilot-seats", o.CopilotSeats, "share of suite-licensed members who also hold Microsoft 365 Copilot (0..1; 0: no Copilot SKU)")
	fs.BoolVar(&o.NoEntraPremium, "no-entra-premium", o.NoEntraPremium, "serve a tenant without Entra ID P1/P2: signInActivity and the sign-in logs answer 403")
	fs.StringVar(&o.Addr, "addr", o.Addr, "listen address (loopback)")
	fs.StringVar(&o.Dir, "dir", o.Dir, "directory for the CA certificate (default --ca-dir, else a temporary one)")
	fs.StringVar(&o.CADir, "ca-dir", o.CADir, "keep the CA certificate and key here and reuse them at every start (default a new CA per start)")
	fs.StringVar(&o.ClientSecret, "client-secret", o.ClientSecret, "client secret to accept (default derived from the seed and tenant id)")
	fs.Func("permissions", "comma-separated application permissions granted (default "+strings.Join(DefaultPermissions, ",")+")", func(v string) error {
		o.Permissions = splitList(v)
		return nil
	})
	fs.DurationVar(&o.Latency, "latency", o.Latency, "delay added to every Graph response")
	fs.Float64Var(&o.ThrottleRate, "throttle-rate", o.ThrottleRate, "fraction of Graph requests answered 429 (0..1)")
	fs.IntVar(&o.ThrottleFirst, "throttle-first", o.ThrottleFirst, "answer the first N Graph requests 429")
	fs.DurationVar(&o.RetryAfter, "retry-after", o.RetryAfter, "Retry-After of throttled answers")
	fs.Float64Var(&o.ServerErrorRate, "server-error-rate", o.ServerErrorRate, "fraction of Graph requests answered 500/502/503 (0..1)")
	fs.Float64Var(&o.SlowPages, "slow-pages", o.SlowPages, "fraction of user/group pages delayed by --slow-page-delay (0..1)")
	fs.DurationVar(&o.SlowPageDelay, "slow-page-delay", o.SlowPageDelay, "extra delay of a slow page")
	fs.IntVar(&o.PageSize, "page-size", o.PageSize, "page size when the client sends no $top (1..999)")
	fs.BoolVar(&o.Concealed, "concealed", o.Concealed, "conceal user names in usage reports")
	fs.BoolVar(&o.TokenOutage, "token-outage", o.TokenOutage, "token endpoint answers 503")
	fs.BoolVar(&o.ReportCRLF, "report-crlf", o.ReportCRLF, "end usage report lines with CRLF")
	fs.BoolVar(&o.ReportNullDates, "report-null-dates", o.ReportNullDates, "write absent dates of the Copilot, Apps, activations and mailbox reports as null")
	fs.BoolVar(&o.AppsUsageTrueFalse, "apps-usage-true-false", o.AppsUsageTrueFalse, "write Apps usage report flags True/False instead of Yes/No")
	fs.BoolVar(&o.MailboxRecipientTypeDetails, "mailbox-recipient-type-details", o.MailboxRecipientTypeDetails, "write mailbox Recipient Type SharedMailbox/UserMailbox instead of Shared/User")
	fs.IntVar(&o.SignInThrottle, "signin-throttle", o.SignInThrottle, "requests of signInActivity and the sign-in logs admitted per --signin-throttle-window before 429 (Graph's 5; 0: 5; negative: no limit)")
	fs.DurationVar(&o.SignInThrottleWindow, "signin-throttle-window", o.SignInThrottleWindow, "sliding window of --signin-throttle")
	o.Faults.registerFlags(fs)
}

func splitList(v string) []string {
	out := []string{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Run generates the tenant, starts the server, prints how to reach it and
// blocks until ctx is done, then stops the server.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	if opts.Users < 0 {
		return fmt.Errorf("graphsim: users must be 0 or more, got %d", opts.Users)
	}
	if opts.Day < 0 {
		return fmt.Errorf("graphsim: day must be 0 or more, got %d", opts.Day)
	}
	if opts.DailyChurn < 0 || opts.DailyChurn > 1 {
		return fmt.Errorf("graphsim: daily churn must be between 0 and 1, got %g", opts.DailyChurn)
	}
	if opts.CopilotSeats < 0 || opts.CopilotSeats > 1 {
		return fmt.Errorf("graphsim: copilot seats must be between 0 and 1, got %g", opts.CopilotSeats)
	}
	t := Generate(opts.GenOptions())
	srv, err := NewServer(t, opts.ServerOptions())
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "graphsim: %d users, seed %d, day %d (daily churn %g), report refresh date %s\n"+
		"  authority host / graph endpoint: %s\n  CA file:       %s\n  tenant id:     %s\n"+
		"  client id:     %s\n  client secret: %s\n  permissions:   %s\n  sign-ins:      %s\n"+
		"Trust the CA (e.g. SSL_CERT_FILE=%s) and use cloud: custom. Ctrl-C stops.\n",
		t.liveCount(), opts.Seed, t.Day(), opts.DailyChurn, t.ReportRefreshDate().Format(time.DateOnly),
		srv.URL(), srv.CAFile(), srv.TenantID(), srv.ClientID(), srv.ClientSecret(),
		strings.Join(srv.opts.Permissions, ","), srv.signInSummary(), srv.CAFile())
	if err != nil {
		return fmt.Errorf("graphsim: print connection details: %w", errors.Join(err, srv.Close()))
	}
	<-ctx.Done()
	return srv.Close()
}
