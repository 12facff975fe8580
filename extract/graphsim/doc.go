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
//   - GET /admin/reportSettings answers the entity itself
//     ({"displayConcealedNames": ...}), which is what the SDK parses; the
//     documentation example wraps it in "value".
//
// Clients using kiota must list the host without its port as an allowed
// host ("127.0.0.1"), and build the Graph client from an adapter whose
// base URL is set first (Server.URL()+"/v1.0") so that $batch items get
// relative URLs.
package graphsim
