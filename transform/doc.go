// Package transform is the Go side of seatledger's transforms: it turns the
// rules and price book of the configuration, Microsoft's SKU catalogue and
// the curated workload and containment tables into parameter and reference
// tables (rows) that the SQL in sql/transform and sql/marts reads. The joins
// and rules themselves live in SQL; this package does no I/O and reads no
// clock (as_of comes from the data).
//
// Decisions the product contract leaves open, pinned by the golden tests in
// testdata/ (see the SQL file headers for the rest):
//   - Workloads: SharePoint plans also carry OneDrive (OneDrive for Business
//     is provisioned through them); ONEDRIVE_BASIC (storage bundled with
//     Visio and Project), Office for the web, Exchange Foundation and
//     archiving carry none. Service plans that apply to the Company, or
//     that the tenant lists as Disabled, do not count for a user. The
//     tenant's own subscribedSkus plans win; the catalogue's are the
//     fallback for a SKU the tenant listed none for.
//   - Redundancy: two SKUs with identical enabled plans would contain each
//     other; only the one with the lexically later part number (then
//     sku_id) is redundant. A licence with no enabled plan contains nothing.
//   - Prices: effective and expires are both inclusive; where entries
//     overlap on as_of the latest effective wins. An ignored SKU without a
//     price costs 0. A price in a currency without an fx rate is NULL plus a
//     missing_price finding.
//   - Exclusions apply while as_of <= until; excluded rows are listed in
//     mart_reclamation_excluded with the exclusion's reason, never in
//     mart_reclamation_candidates. A group exclusion matches a user that
//     gets any licence from that group.
//   - A usage report that failed to load gives as_of = the run date, no
//     activity reason and a critical usage_report_unavailable finding.
package transform
