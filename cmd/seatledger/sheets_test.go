package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// readableSheets are the first headers of the sheets that read the way a
// software asset manager reads them, and per code the words its Reason or
// Rule column shows.
var readableSheets = []struct {
	sheet, mart string
	first       []string
	code, words string // the headers of the code and of its words
	wordsOf     map[string]string
}{
	{"Candidates", "mart_reclamation_candidates",
		[]string{"Person", "User principal name", "Department", "Product", "Reason", "Signal", "Idle days", "Annual saving"},
		"Reason code", "Reason", map[string]string{"disabled_account": "Account disabled", "guest_licensed": "Guest with a paid licence",
			"redundant": "Redundant", "never_used": "Never used", "inactive": "Inactive"}},
	{"Rightsizing", "mart_rightsizing",
		[]string{"Person", "User principal name", "Department", "Product", "Change to", "Rule", "Signal", "Confidence", "Annual saving"},
		"Rule code", "Rule", map[string]string{"shared_mailbox": "Shared mailbox", "no_desktop_apps": "No desktop Office apps",
			"e5_extras_unused": "E5 extras unused"}},
}

// TestWorkbookReadsAsWords runs a night with every usage signal against
// the simulator, writes the workbook with `seatledger report` and reads
// its Candidates and Rightsizing sheets back: the person, department,
// product by name, reason and signal in words, idle days and savings
// first, every row's words agreeing with its codes further right and
// naming nobody. Pseudonymised, the person columns hold pseudonyms and no
// name or address of the tenant is left on either sheet.
func TestWorkbookReadsAsWords(t *testing.T) {
	dir := t.TempDir()
	tenant := graphsim.Generate(graphsim.GenOptions{Users: 600, Seed: 5, Now: time.Now().UTC(), CopilotSeats: 0.3})
	srv := startTenant(t, tenant, graphsim.ServerOptions{})
	cfg, env := writeSimConfig(t, dir, srv)
	withSignals(t, cfg, "[copilot_usage, apps_usage, office_activations, mailbox_usage]")
	if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
	}
	wh := filepath.Join(dir, "seatledger.duckdb")
	db := openWarehouse(t, wh)
	people := map[string]bool{} // every name and address of a row
	counts := map[string]int{}
	for _, s := range readableSheets {
		n := queryInt(t, db, "SELECT count(*) FROM "+s.mart)
		if n == 0 {
			t.Fatalf("%s has no rows: the test would prove nothing", s.mart)
		}
		counts[s.sheet] = int(n)
		rows, err := db.Query("SELECT display_name, user_principal_name FROM " + s.mart)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, upn string
			if err := rows.Scan(&name, &upn); err != nil {
				t.Fatal(err)
			}
			people[name], people[upn] = true, true
		}
		rows.Close()
	}
	db.Close() // report opens the warehouse with settings of its own

	book := writeReport(t, nil, "report", "--warehouse", wh, "--dir", filepath.Join(dir, "plain"))
	x := openXLSX(t, book)
	for _, s := range readableSheets {
		t.Run(s.sheet, func(t *testing.T) {
			table := sheetTable(t, x, s.sheet, s.first)
			if len(table.rows) != counts[s.sheet] {
				t.Errorf("got %d rows, want %d, one per row of %s", len(table.rows), counts[s.sheet], s.mart)
			}
			for i, r := range table.rows {
				code, words, signal := r[table.col(s.code)], r[table.col(s.words)], r[table.col("Signal")]
				if want, ok := s.wordsOf[code]; !ok || words != want {
					t.Errorf("row %d: %s %q shows %q, want %q", i+2, s.code, code, words, want)
				}
				if r[table.col("Person")] == "" || !strings.Contains(r[table.col("User principal name")], "@") ||
					r[table.col("Product")] == "" || signal == "" {
					t.Errorf("row %d: got person, address, product, signal %q, want each", i+2, r[:table.col("Signal")+1])
				}
				for _, who := range []string{r[table.col("Person")], r[table.col("User principal name")]} {
					if strings.Contains(strings.ToLower(signal), strings.ToLower(who)) {
						t.Errorf("row %d: signal %q names %q", i+2, signal, who)
					}
				}
				if s.sheet == "Candidates" && code == "inactive" &&
					!strings.HasPrefix(signal, "Idle "+r[table.col("Idle days")]+" days (rule: 90): ") {
					t.Errorf("row %d: inactive for %s days, signal %q", i+2, r[table.col("Idle days")], signal)
				}
				if s.sheet == "Rightsizing" && (r[table.col("Change to")] == "No licence") != (r[table.col("To SKU")] == "") {
					t.Errorf("row %d: changes to %q, to SKU %q", i+2, r[table.col("Change to")], r[table.col("To SKU")])
				}
			}
		})
	}

	t.Run("pseudonymised", func(t *testing.T) {
		pcfg := filepath.Join(dir, "pseudo.yml")
		writeFile(t, pcfg, "reports:\n  pseudonymize: true\n  pseudonym_key_env: PSEUDO_KEY\n")
		book := writeReport(t, map[string]string{"PSEUDO_KEY": "a-key-of-32-bytes-for-the-tests!"},
			"report", "--config", pcfg, "--warehouse", wh, "--dir", filepath.Join(dir, "pseudo"))
		x := openXLSX(t, book)
		for _, s := range readableSheets {
			table := sheetTable(t, x, s.sheet, s.first)
			for i, r := range table.rows {
				if !strings.HasPrefix(r[0], "User ") || !strings.HasSuffix(r[1], "@pseudonym.invalid") {
					t.Errorf("%s row %d: person %q, address %q; want pseudonyms", s.sheet, i+2, r[0], r[1])
				}
				for _, v := range r {
					if v != "" && people[v] {
						t.Errorf("%s row %d holds %q", s.sheet, i+2, v)
					}
				}
			}
		}
	})
}

// writeReport runs a report command in-process and returns the workbook
// it wrote.
func writeReport(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := runMain(t, env, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut)
	}
	i := strings.Index(out, "workbook:")
	if i < 0 {
		t.Fatalf("%v: no workbook in\n%s", args, out)
	}
	return firstLine(strings.TrimSpace(out[i+len("workbook:"):]))
}

// table is a sheet's header and data rows (the rows up to the first
// blank one: a subtotal block follows a blank row).
type table struct {
	t      *testing.T
	header []string
	rows   [][]string
}

// sheetTable reads a sheet's table and checks that its header starts with
// first.
func sheetTable(t *testing.T, x *xlsx, sheet string, first []string) table {
	t.Helper()
	grid := x.grid(sheet)
	if len(grid) < 2 {
		t.Fatalf("%s: got %d rows, want a header and data", sheet, len(grid))
	}
	tb := table{t: t, header: grid[0]}
	if len(tb.header) < len(first) || !slices.Equal(tb.header[:len(first)], first) {
		t.Fatalf("%s: header starts %q, want %q", sheet, tb.header[:min(len(first), len(tb.header))], first)
	}
	for _, r := range grid[1:] {
		if len(r) == 0 {
			break
		}
		tb.rows = append(tb.rows, append(r, make([]string, max(0, len(tb.header)-len(r)))...))
	}
	return tb
}

// col is the index of the column headed h.
func (tb table) col(h string) int {
	tb.t.Helper()
	i := slices.Index(tb.header, h)
	if i < 0 {
		tb.t.Fatalf("no column %q in %q", h, tb.header)
	}
	return i
}
