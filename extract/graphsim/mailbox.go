package graphsim

import (
	"iter"

	"github.com/seatledger/seatledger/extract"
)

// Mailboxes: GET /reports/getMailboxUsageDetail lists every mailbox, user
// and shared, with its size and quotas; the admin centre documents its
// Recipient Type as "Either Shared or User"
// (https://learn.microsoft.com/microsoft-365/admin/activity-reports/mailbox-usage).
// A shared mailbox needs a licence only above 50 GB, with an archive or
// on litigation hold
// (https://learn.microsoft.com/microsoft-365/admin/email/remove-license-from-shared-mailbox).

const gib int64 = 1 << 30

// Exchange Online's default quotas (issue warning, prohibit send,
// prohibit send and receive) of a 50 GB (Plan 1, E1) and a 100 GB (Plan 2,
// E3, E5) mailbox, and the Recoverable Items quota without and with a hold
// (https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits).
var (
	quotaPlan1 = [3]int64{49 * gib, 49*gib + gib/2, 50 * gib}
	quotaPlan2 = [3]int64{98 * gib, 99 * gib, 100 * gib}
	quotaItems = [2]int64{30 * gib, 100 * gib}
)

// Recipient types as the simulated report writes them (ServerOptions
// MailboxRecipientTypeDetails switches the CSV to SharedMailbox and
// UserMailbox).
const (
	recipientUser   = "User"
	recipientShared = "Shared"
)

// MailboxUsage returns user i's row of the mailbox usage report for
// period (D7, D30, D90 or D180: a snapshot, the same whatever the
// period), false when the user held no Exchange plan when the report was
// taken (or did not exist yet). Shared mailboxes (Recipient Type Shared)
// are most service accounts (rooms, shared mailboxes), 45% of the
// disabled members (leavers' mailboxes converted with their licence
// kept) and 1% of the others. Storage is mostly under 50 GB (young
// mailboxes hold less): about 1% of the 100 GB (Plan 2) mailboxes hold 50
// to 95 GB; active mailboxes grow a little every day. A fifth of the
// Plan 2 mailboxes have an archive; quotas are Exchange Online's. The
// Last Activity Date is the Office 365 report's Exchange date; Created
// Date the account's. Names are concealed when the report settings say
// so. It panics when i is out of range.
func (t *Tenant) MailboxUsage(i int, period string) (extract.MailboxUsageRow, bool) {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	row, d, ok := t.mailboxUsage(i, period)
	if ok {
		row.UserPrincipalName, row.DisplayName = t.reportNamesOf(i, d)
	}
	return row, ok
}

// mailboxUsage is MailboxUsage without the names: the row, and the draws
// to spell them from.
func (t *Tenant) mailboxUsage(i int, period string) (extract.MailboxUsageRow, nameDraw, bool) {
	p := t.profile(i)
	var s licenceSet
	t.reportedLicences(&s, i, p)
	since, ok := t.heldPlan(&s, classExchange)
	if !ok || since.After(t.refresh) || day(p.createdAt).After(t.refresh) {
		return extract.MailboxUsageRow{}, nameDraw{}, false
	}
	_, plan2 := t.heldPlan(&s, classExoP2)
	r := newRNG(t.seed, i, streamMailbox)
	d := t.drawName(i, p)
	row := extract.MailboxUsageRow{ReportRefreshDate: t.refresh, CreatedDate: day(p.createdAt),
		RecipientType: recipientUser, ReportPeriod: reportPeriodDays(period)}
	if sharedMailbox(&r, p, d) {
		row.RecipientType = recipientShared
	}
	row.LastActivityDate = t.exchangeLastActivity(i, p)
	active := !row.LastActivityDate.IsZero() && row.LastActivityDate.After(addDays(t.refresh, -30))
	age := addDays(t.refresh, -t.day).Sub(row.CreatedDate).Hours() / 24 // at the origin's report
	t.mailboxSize(&r, &row, plan2, active, age)
	return row, d, true
}

// sharedMailbox decides whether the mailbox of a user (profile p, names
// d) is a shared one.
func sharedMailbox(r *rng, p profile, d nameDraw) bool {
	x := r.float()
	switch p.kind {
	case kindService:
		return isSharedService(d)
	case kindMember:
		return x < either(p.enabled, 0.01, 0.45)
	}
	return false
}

// mailboxSize fills the size, item counts, quotas and archive of a
// mailbox age days old at the origin: one less than a year old holds less
// (in proportion), and an active one has grown by up to 40 MB a day since
// the origin, up to its quota.
func (t *Tenant) mailboxSize(r *rng, row *extract.MailboxUsageRow, plan2, active bool, age float64) {
	q := quotaPlan1
	if plan2 {
		q = quotaPlan2
	}
	var lo, hi float64 // GiB
	switch x := r.float(); {
	case x < 0.22:
		lo, hi = 0.02, 1
	case x < 0.62:
		lo, hi = 1, 8
	case x < 0.85:
		lo, hi = 8, 20
	case x < 0.95:
		lo, hi = 20, 40
	case x < 0.985:
		lo, hi = 40, 49
	case plan2:
		lo, hi = 50, 95
	default:
		lo, hi = 45, 49.5
	}
	size := int64((lo + (hi-lo)*r.float()) * min(1, max(age+30, 30)/400) * float64(gib))
	itemSize, growth, deleted := int64(r.between(45, 160))<<10, int64(r.between(2, 40))<<20, int64(r.between(1, 8))
	archive, hold := r.chance(either(plan2, 0.2, 0.02)), plan2 && r.chance(0.1)
	if active {
		size = max(size, min(size+int64(t.day)*growth, q[2]-64<<20))
	}
	items := size / itemSize
	row.ItemCount, row.StorageUsedBytes = count(items), count(size)
	row.IssueWarningQuotaBytes, row.ProhibitSendQuotaBytes, row.ProhibitSendReceiveBytes = count(q[0]), count(q[1]), count(q[2])
	row.DeletedItemCount, row.DeletedItemSizeBytes = count(items*deleted/100), count(size*deleted/100)
	row.DeletedItemQuotaBytes = count(quotaItems[0])
	if hold {
		row.DeletedItemQuotaBytes = count(quotaItems[1])
	}
	row.HasArchive = tri(archive)
}

// DeletedMailboxUsage returns the mailbox usage row of deleted user j
// (0 <= j < DeletedCount(), the deleted users of the Office 365 report,
// with the same names, deleted date and Exchange activity): Is Deleted
// True, a user mailbox. It panics when j is out of range.
func (t *Tenant) DeletedMailboxUsage(j int, period string) extract.MailboxUsageRow {
	a := t.DeletedActivity(j)
	r := newRNG(t.seed, j, streamMailboxDeleted)
	row := extract.MailboxUsageRow{ReportRefreshDate: t.refresh, UserPrincipalName: a.UserPrincipalName,
		DisplayName: a.DisplayName, IsDeleted: true, DeletedDate: a.DeletedDate, LastActivityDate: a.LastActivityDate[0],
		RecipientType: recipientUser, ReportPeriod: reportPeriodDays(period)}
	row.CreatedDate = a.DeletedDate.AddDate(0, 0, -r.between(200, 2500))
	t.mailboxSize(&r, &row, r.chance(0.6), false, row.DeletedDate.Sub(row.CreatedDate).Hours()/24)
	return row
}

// MailboxUsageRows yields the mailbox usage report for period in download
// order: directory users' mailboxes by user index, then deleted users'.
func (t *Tenant) MailboxUsageRows(period string) iter.Seq[extract.MailboxUsageRow] {
	return func(yield func(extract.MailboxUsageRow) bool) {
		for i := 0; i < t.users; i++ {
			if row, ok := t.MailboxUsage(i, period); ok && !yield(row) {
				return
			}
		}
		for j := 0; j < t.deleted; j++ {
			if !yield(t.DeletedMailboxUsage(j, period)) {
				return
			}
		}
	}
}
