// Package graphsim simulates a Microsoft 365 tenant for tests and demos: a
// deterministic generator of realistic directories (users, licences,
// licence groups, SKUs, subscriptions, the Office 365 active-user-detail
// report and the usage-signal reports: Microsoft 365 Copilot usage,
// Microsoft 365 Apps usage, Office activations, mailbox usage) and an
// HTTPS server that answers like Entra ID and Microsoft
// Graph v1.0, closely enough for the real azidentity credentials and
// msgraph-sdk-go to run against it. Standard library only.
//
// # Scale
//
// User i is a pure function of (seed, i, origin): Generate makes one pass to
// count consumed units per SKU and keeps only counters plus an overlay of
// the users changed through assignLicense, group membership or Churn, and
// a log of group licence changes applied as users are read. A million users
// generate in a fraction of a second in under a megabyte; pages and the
// report are built on the fly.
//
// # Days
//
// GenOptions.Day serves a tenant as it stands Day days after its origin
// (midnight UTC of Now's date minus Day days), each day one
// Churn(DailyChurn, Seed): day D+1 (Now one day later) is day D plus
// exactly that day's churn, and a user it left alone answers GET /users
// byte for byte the same. Active users' last activity stays recent, idle
// users' stays put (their idle days grow by one a day), added users start
// with none. Ids and the default client secret derive from the seed, and
// ServerOptions.CADir keeps one CA, so a script can run night after night
// with one configuration and one trusted CA file; with a fixed Addr, the
// users/delta links of one night work the next.
//
// # Endpoints (one host: authority = Graph endpoint = Server.URL())
//
//   - GET /{tenant}/v2.0/.well-known/openid-configuration, POST
//     /{tenant}/oauth2/v2.0/token (client_credentials with client_secret or
//     a PS256/RS256 client assertion signed by ClientCertificate),
//     GET /{tenant}/discovery/v2.0/keys. AADSTS errors as Entra words them.
//   - GET /v1.0/users ($select, $top 1..999, $skiptoken), /users/{id|upn},
//     PATCH /users/{id} (usageLocation only), POST
//     /users/{id}/assignLicense, GET /subscribedSkus,
//     /directory/subscriptions, /groups, /groups/{id}, POST
//     /groups/{id}/assignLicense (202), POST /groups/{id}/members/$ref,
//     DELETE /groups/{id}/members/{id}/$ref, GET and PATCH /admin/reportSettings,
//     GET /reports/getOffice365ActiveUserDetail(period='D7'|date=...) (302 to
//     /data/download/{token}), POST /$batch (at most 20 items).
//   - Usage-signal reports (Reports.Read.All; rows in the extract.*Columns
//     order): GET /copilot/reports/getMicrosoft365CopilotUsageUserDetail(
//     period='D7'|'D30'|'D90'|'D180'|'ALL'[, version='v1']) (200, the CSV
//     itself; ALL: one row per holder and period), GET
//     /reports/getM365AppUserDetail(period='D7'|...|'D180'), GET
//     /reports/getOffice365ActivationsUserDetail[()] and GET
//     /reports/getMailboxUsageDetail(period='D7'|...|'D180') (302 to a
//     download link, like the Office 365 report). GET
//     /beta/reports/getMicrosoft365CopilotUsageUserDetail(...), the Copilot
//     report's former path, answers 400 (segment not found). The Copilot
//     report has rows only with GenOptions.CopilotSeats.
//   - Identity-and-access reports (AuditLog.Read.All and Entra ID P1/P2,
//     which SPE_E3/E5 carry unless GenOptions.NoEntraPremium; otherwise
//     403 Authorization_RequestDenied or
//     Authentication_RequestFromNonPremiumTenantOrB2CTenant): GET
//     /users?$select=...,signInActivity (pages of 500 by default, $top
//     above 500 is 400 "Cannot query data for more than 500 users at a
//     time.") and /users/{id}?$select=signInActivity (by object id only);
//     GET /auditLogs/signIns ($top 1..1000, default 1000, newest first,
//     $skiptoken, 30 days kept; $filter on appId eq '…', userId eq '…',
//     createdDateTime eq|ge|gt|le|lt <unquoted DateTimeOffset> and
//     status/errorCode eq n, joined with and; anything else is 400
//     "Invalid filter clause"). Both share Graph's throttle of 5
//     requests per 10 s (ServerOptions.SignInThrottle): 429
//     TooManyRequests with Retry-After.
//
// # Faithful quirks worth knowing
//
//   - createdDateTime is null for accounts created before June 2018.
//   - @odata.nextLink comes before value on odd pages; nextLinks are
//     absolute and repeat $select and $top.
//   - Request bodies may be gzip-encoded (kiota compresses them).
//   - Throttled answers carry Retry-After; inside $batch the item is 429
//     while the batch is 200.
//   - The report download needs no bearer token, expires (403) and streams
//     a BOM-prefixed CSV with LF line endings (ReportCRLF for CRLF).
//   - The Copilot report lags a day behind the others (Microsoft's 72
//     hours). Undocumented literals of the signal reports are switches:
//     ReportNullDates (absent dates as null), AppsUsageTrueFalse (Apps
//     flags True/False, not Yes/No), MailboxRecipientTypeDetails
//     (SharedMailbox/UserMailbox, not Shared/User).
//   - Listing groups needs GroupMember.Read.All (or Group.Read.All,
//     Directory.Read.All), as in Graph; DefaultPermissions include it.
//   - Sign-ins agree with the other data: signInActivity is the newest
//     events of the sign-in log (and of the days before it), active
//     users' interactive sign-ins fall on the days the Office 365
//     report's last activity moves to, token refreshes run on after
//     them, and Power BI sign-ins come only from Power BI plan holders
//     (and a few free users) on signed-in days. lastSuccessfulSignInDateTime
//     is null before December 2023 (not back-filled); a wrong password
//     (50126) sometimes ends a visit.
//   - Some members sign in without using Microsoft 365, as seatledger's
//     SignIn signal expects: of the enabled members quiet on the six
//     workloads of the report (last active 30 days or more before it, or
//     never), 20% sign in interactively every 2 to 5 days, up to Now, to
//     Contoso Expenses (a made-up single sign-on application,
//     ExpensesAppID) or Windows Sign In (WindowsSignInAppID); of those
//     idle, another 25% have a device that refreshes tokens
//     (non-interactive Exchange Online or Windows Sign In) until 14 to 90
//     days after their last activity. Guests, service accounts and
//     disabled accounts never sign in that way: a disabled account's
//     sign-ins end with its last visit.
//   - GET /admin/reportSettings answers the entity itself
//     ({"displayConcealedNames": ...}), which is what the SDK parses; the
//     documentation example wraps it in "value".
//
// Clients using kiota must list the host without its port as an allowed
// host ("127.0.0.1"), and build the Graph client from an adapter whose
// base URL is set first (Server.URL()+"/v1.0") so that $batch items get
// relative URLs.
package graphsim
