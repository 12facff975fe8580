package reports

// Highlight fills the data rows of a sheet whose cell in column Column
// meets a condition: Equals (text, case-insensitive) when it is set, else a
// number at most AtMost. Blank cells never match. The first matching
// Highlight of a sheet wins. It is an Excel conditional format, so it
// follows the rows when people sort or filter.
type Highlight struct {
	Column string // the Name of the column tested
	Equals string
	AtMost float64
	Fill   string // background, RGB hex such as "FFC7CE"
	Font   string // text colour, RGB hex; "" keeps the default
}

// Subtotal adds a block below a sheet's table that sums columns Sum per
// distinct combination of columns By, in first-seen order sorted by the
// By values. Missing values (nil) are skipped, as SQL's sum does; a group
// whose values are all missing shows a blank. The table itself stays
// clean, so its filters and totals are unaffected.
type Subtotal struct {
	Title string   // the block's title, e.g. "Subtotals by SKU"
	By    []string // column Names to group by, e.g. tenant, sku_part_number, currency
	Sum   []string // column Names to add up, e.g. assigned_units, annual_cost
}

// Colours of highlights: Excel's own "light red fill with dark red text"
// and friends, which read well printed and on screen.
const (
	redFill, redFont       = "FFC7CE", "9C0006"
	amberFill, amberFont   = "FFD8B0", "843C0C"
	yellowFill, yellowFont = "FFEB9C", "7F6000"
	blueFill, blueFont     = "DDEBF7", "1F4E78"
)

// readableHeaders are the headers of the columns that the Candidates and
// Rightsizing sheets put first (load reads them so: the person, the
// product by name, the reason and signal in words), and of the codes to
// their right that would otherwise share a header with the words.
var readableHeaders = map[string]string{
	"display_name":    "Person",
	"product_name":    "Product",
	"to_product_name": "Change to",
	"reason_text":     "Reason",
	"rule_text":       "Rule",
	"annual_savings":  "Annual saving",
	"reason":          "Reason code",
	"reasons":         "Reason codes",
	"rule":            "Rule code",
}

// martSheets are the sheet names and extras of seatledger's marts.
var martSheets = map[string]struct {
	name       string
	highlights []Highlight
	subtotal   *Subtotal
	evidence   []evidenceField   // the evidence's readable columns; nil: a candidate's
	headers    map[string]string // headers by column name, over ColumnsFor's
}{
	"mart_license_inventory":      {name: "Inventory"},
	"mart_reclamation_candidates": {name: "Candidates", headers: readableHeaders},
	// Seats that could be a cheaper SKU or none: the safe ones stand out.
	"mart_rightsizing": {name: "Rightsizing", highlights: []Highlight{
		{Column: "confidence", Equals: "safe", Fill: blueFill, Font: blueFont},
	}, subtotal: &Subtotal{
		Title: "Savings by rule", By: []string{"tenant", "rule_text", "confidence", "currency"},
		Sum: []string{"annual_saving"},
	}, evidence: rightsizingEvidence, headers: readableHeaders},
	"mart_spend": {name: "Spend", subtotal: &Subtotal{
		Title: "Subtotals by SKU", By: []string{"tenant", "sku_part_number", "currency"},
		Sum: []string{"assigned_units", "annual_cost"},
	}},
	"mart_renewals": {name: "Renewals", highlights: []Highlight{
		{Column: "days_to_renewal", AtMost: 30, Fill: redFill, Font: redFont},
		{Column: "days_to_renewal", AtMost: 60, Fill: amberFill, Font: amberFont},
		{Column: "days_to_renewal", AtMost: 90, Fill: yellowFill, Font: yellowFont},
	}},
	"mart_user_licenses": {name: "Users"},
	// What became of each reclaimed seat, with the savings realised beside
	// those promised, by month of the removal.
	"mart_reclaim_outcomes": {name: "Outcomes", highlights: []Highlight{
		{Column: "outcome", Equals: "given_back", Fill: redFill, Font: redFont},
		{Column: "outcome", Equals: "freed", Fill: yellowFill, Font: yellowFont},
	}, subtotal: &Subtotal{
		Title: "Savings by month of the removal", By: []string{"tenant", "acted_month", "currency"},
		Sum: []string{"promised_annual_savings", "realised_annual_savings"},
	}},
	// The provisioning report: licence actions of the last 90 days.
	"actions": {name: "Actions", highlights: []Highlight{
		{Column: "result", Equals: "failed", Fill: redFill, Font: redFont},
		{Column: "result", Equals: "refused", Fill: amberFill, Font: amberFont},
		{Column: "result", Equals: "group_only", Fill: yellowFill, Font: yellowFont},
	}},
	"mart_findings": {name: "Findings", highlights: []Highlight{
		{Column: "severity", Equals: "critical", Fill: redFill, Font: redFont},
		{Column: "severity", Equals: "warning", Fill: amberFill, Font: amberFont},
		{Column: "severity", Equals: "info", Fill: blueFill, Font: blueFont},
	}},
}

// MartSheet lays out the sheet of one of seatledger's marts from its
// column names: the sheet name (mart_spend -> "Spend"), ColumnsFor's
// columns, and per mart the extras: Renewals highlighted within 30, 60 and
// 90 days of renewal, Findings coloured by severity, Spend with subtotals
// per SKU, Rightsizing's by rule, and the words of Candidates and
// Rightsizing headed "Person", "Product", "Reason" (their codes "Reason
// code", "Rule code"). Extras whose columns are absent are left out. An unknown mart
// gets its own name and plain columns. The caller sets RowCount and Rows.
func MartSheet(mart string, names []string) Sheet {
	s := Sheet{Name: mart, Columns: ColumnsFor(names)}
	m, ok := martSheets[mart]
	if !ok {
		return s
	}
	s.Name = m.name
	if m.evidence != nil {
		s.Columns = s.Columns[:0]
		for _, n := range names {
			if n == "evidence" {
				s.Columns = append(s.Columns, evidenceOf(n, m.evidence)...)
			} else {
				s.Columns = append(s.Columns, ColumnsFor([]string{n})...)
			}
		}
	}
	for i, c := range s.Columns {
		if h, ok := m.headers[c.Name]; ok && c.Field == "" {
			s.Columns[i].Header = h
			s.Columns[i].Width = max(c.Width, float64(len(h))+3)
		}
	}
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	for _, h := range m.highlights {
		if has[h.Column] {
			s.Highlights = append(s.Highlights, h)
		}
	}
	if m.subtotal != nil {
		st := *m.subtotal
		st.By, st.Sum = present(st.By, has), present(st.Sum, has)
		if len(st.By) > 0 && len(st.Sum) > 0 {
			s.Subtotal = &st
		}
	}
	return s
}

// codeOf is the column of codes that stands in for a column of words
// where a sheet has the mart's own columns only.
var codeOf = map[string]string{"reason_text": "reason", "rule_text": "rule"}

// present keeps the names that has holds, each column of words that it
// lacks replaced by its codes (codeOf) when it holds those.
func present(names []string, has map[string]bool) []string {
	var out []string
	for _, n := range names {
		if c, ok := codeOf[n]; ok && !has[n] {
			n = c
		}
		if has[n] {
			out = append(out, n)
		}
	}
	return out
}
