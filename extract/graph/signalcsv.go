package graph

import (
	"io"

	"github.com/seatledger/seatledger/extract"
)

// The parsers of the usage-signal reports. All share readReport: a UTF-8
// BOM is skipped, CRLF or LF accepted, columns are matched by header name
// (trimmed, any case) and extra columns ignored. Only the required
// columns must be present; any other documented column may be missing,
// and then reads as absent (zero time, extract.Unknown, a Count not
// Known, ""). In typed cells "" and null (any case) are absent; dates are
// YYYY-MM-DD (the date of an ISO timestamp is accepted too), flags
// Yes/No/True/False in any case or 1/0, counts integers. Errors wrap
// ErrBadReport and name the column and line; they never quote a principal
// or display name.

// Required columns, by report.
var (
	copilotRequired    = []string{"Report Refresh Date", "User Principal Name", "Last Activity Date"}
	appsRequired       = []string{"Report Refresh Date", "User Principal Name", "Last Activity Date"}
	activationRequired = []string{"Report Refresh Date", "User Principal Name", "Product Type", "Last Activated Date"}
	// Has Archive is optional: the v1.0 page's example header omits it
	// (and Deleted Item Quota) though the page lists it; absent, it is
	// Unknown and no rule may take the mailbox for archive-free.
	mailboxRequired = []string{"Report Refresh Date", "User Principal Name", "Storage Used (Byte)"}
)

// ParseCopilotUsageCSV reads a Microsoft 365 Copilot usage report
// (extract.CopilotUsageColumns, any order: the old beta report had
// "Report Period" second and "Copilot Chat Last Activity Date" last).
func ParseCopilotUsageCSV(r io.Reader, row func(extract.CopilotUsageRow) error) error {
	return readReport(r, copilotRequired, bindCopilot, row)
}

func bindCopilot(h *reportHeader) func(*cells) extract.CopilotUsageRow {
	refresh, upn, name := h.col("Report Refresh Date"), h.col("User Principal Name"), h.col("Display Name")
	last, period := h.col("Last Activity Date"), h.col("Report Period")
	var apps [len(extract.CopilotApps)]col
	for i, app := range extract.CopilotApps {
		apps[i] = h.col(app + " Last Activity Date")
	}
	return func(d *cells) extract.CopilotUsageRow {
		r := extract.CopilotUsageRow{
			ReportRefreshDate: d.date(refresh),
			UserPrincipalName: d.text(upn),
			DisplayName:       d.text(name),
			LastActivityDate:  d.date(last),
		}
		for i, c := range apps {
			r.AppLastActivity[i] = d.date(c)
		}
		r.ReportPeriod = d.text(period)
		return r
	}
}

// ParseAppsUsageCSV reads a Microsoft 365 Apps usage report
// (extract.AppsUsageColumns): per platform, per app and per app ×
// platform flags, "Word (Windows)" and so on.
func ParseAppsUsageCSV(r io.Reader, row func(extract.AppsUsageRow) error) error {
	return readReport(r, appsRequired, bindApps, row)
}

func bindApps(h *reportHeader) func(*cells) extract.AppsUsageRow {
	refresh, upn := h.col("Report Refresh Date"), h.col("User Principal Name")
	activation, last, period := h.col("Last Activation Date"), h.col("Last Activity Date"), h.col("Report Period")
	var platform [len(extract.OfficePlatforms)]col
	var app [len(extract.OfficeApps)]col
	var appPlatform [len(extract.OfficeApps)][len(extract.OfficePlatforms)]col
	for p, pn := range extract.OfficePlatforms {
		platform[p] = h.col(pn)
	}
	for a, an := range extract.OfficeApps {
		app[a] = h.col(an)
		for p, pn := range extract.OfficePlatforms {
			appPlatform[a][p] = h.col(an + " (" + pn + ")")
		}
	}
	return func(d *cells) extract.AppsUsageRow {
		r := extract.AppsUsageRow{
			ReportRefreshDate:  d.date(refresh),
			UserPrincipalName:  d.text(upn),
			LastActivationDate: d.date(activation),
			LastActivityDate:   d.date(last),
			ReportPeriod:       d.text(period),
		}
		for p, c := range platform {
			r.Platform[p] = d.tri(c)
		}
		for a, c := range app {
			r.App[a] = d.tri(c)
			for p, c := range appPlatform[a] {
				r.AppPlatform[a][p] = d.tri(c)
			}
		}
		return r
	}
}

// ParseActivationsCSV reads an Office activations report
// (extract.ActivationColumns): one row per user × product type.
func ParseActivationsCSV(r io.Reader, row func(extract.ActivationRow) error) error {
	return readReport(r, activationRequired, bindActivations, row)
}

func bindActivations(h *reportHeader) func(*cells) extract.ActivationRow {
	refresh, upn, name := h.col("Report Refresh Date"), h.col("User Principal Name"), h.col("Display Name")
	product, activated := h.col("Product Type"), h.col("Last Activated Date")
	windows, mac, w10m := h.col("Windows"), h.col("Mac"), h.col("Windows 10 Mobile")
	ios, android, shared := h.col("iOS"), h.col("Android"), h.col("Activated On Shared Computer")
	return func(d *cells) extract.ActivationRow {
		return extract.ActivationRow{
			ReportRefreshDate:         d.date(refresh),
			UserPrincipalName:         d.text(upn),
			DisplayName:               d.text(name),
			ProductType:               d.text(product),
			LastActivatedDate:         d.date(activated),
			Windows:                   d.count(windows),
			Mac:                       d.count(mac),
			Windows10Mobile:           d.count(w10m),
			IOS:                       d.count(ios),
			Android:                   d.count(android),
			ActivatedOnSharedComputer: d.tri(shared),
		}
	}
}

// ParseMailboxUsageCSV reads a mailbox usage report
// (extract.MailboxUsageColumns). "Recipient Type" is not in Graph's
// documentation; its value is kept as sent.
func ParseMailboxUsageCSV(r io.Reader, row func(extract.MailboxUsageRow) error) error {
	return readReport(r, mailboxRequired, bindMailbox, row)
}

func bindMailbox(h *reportHeader) func(*cells) extract.MailboxUsageRow {
	refresh, upn, name := h.col("Report Refresh Date"), h.col("User Principal Name"), h.col("Display Name")
	deleted, deletedDate := h.col("Is Deleted"), h.col("Deleted Date")
	created, last := h.col("Created Date"), h.col("Last Activity Date")
	items, storage := h.col("Item Count"), h.col("Storage Used (Byte)")
	warn, send := h.col("Issue Warning Quota (Byte)"), h.col("Prohibit Send Quota (Byte)")
	sendReceive := h.col("Prohibit Send/Receive Quota (Byte)")
	delItems, delSize, delQuota := h.col("Deleted Item Count"), h.col("Deleted Item Size (Byte)"), h.col("Deleted Item Quota (Byte)")
	archive, recipient, period := h.col("Has Archive"), h.col("Recipient Type"), h.col("Report Period")
	return func(d *cells) extract.MailboxUsageRow {
		return extract.MailboxUsageRow{
			ReportRefreshDate:        d.date(refresh),
			UserPrincipalName:        d.text(upn),
			DisplayName:              d.text(name),
			IsDeleted:                d.flag(deleted),
			DeletedDate:              d.date(deletedDate),
			CreatedDate:              d.date(created),
			LastActivityDate:         d.date(last),
			ItemCount:                d.count(items),
			StorageUsedBytes:         d.count(storage),
			IssueWarningQuotaBytes:   d.count(warn),
			ProhibitSendQuotaBytes:   d.count(send),
			ProhibitSendReceiveBytes: d.count(sendReceive),
			DeletedItemCount:         d.count(delItems),
			DeletedItemSizeBytes:     d.count(delSize),
			DeletedItemQuotaBytes:    d.count(delQuota),
			HasArchive:               d.tri(archive),
			RecipientType:            d.text(recipient),
			ReportPeriod:             d.text(period),
		}
	}
}
