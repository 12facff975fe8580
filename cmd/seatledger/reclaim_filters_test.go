package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestReclaimPlanUserFilters runs reclaim plan with --usage-location,
// --domain and --ou against a warehouse the binary filled from the
// simulator over HTTPS, and checks the plan against the candidates
// filtered by the simulator's own users; then a filter that matches
// nobody, bad values, and CSV rows the filters refuse.
func TestReclaimPlanUserFilters(t *testing.T) {
	e := newReclaimEnv(t, 1500, graphsim.ServerOptions{})
	const sales = "OU=Sales,OU=Users,DC=contoso,DC=example"
	in := func(u extract.User) bool {
		_, domain, _ := strings.Cut(u.UserPrincipalName, "@")
		return (strings.EqualFold(u.UsageLocation, "US") || strings.EqualFold(u.UsageLocation, "GB")) &&
			strings.EqualFold(domain, "contoso.example") && strings.HasSuffix(u.OnPremisesDistinguishedName, ","+sales)
	}
	var want, all []string
	var outside string // a synced candidate outside the OU (the CSV case passes --ou alone)
	for key := range e.counts("SELECT user_id || '/' || sku_id, 1 FROM mart_reclamation_candidates") {
		id, _, _ := strings.Cut(key, "/")
		all = append(all, key)
		if in(e.user(id)) {
			want = append(want, key)
		} else if dn := e.user(id).OnPremisesDistinguishedName; outside == "" && dn != "" && !strings.HasSuffix(dn, ","+sales) {
			outside = id
		}
	}
	slices.Sort(want)
	if len(want) < 3 || len(want) > len(all)/4 {
		t.Fatalf("candidates in %s with US or GB: %d of %d, want a few", sales, len(want), len(all))
	}

	planPath := filepath.Join(e.dir, "plan.json")
	e.mustRun(0, "reclaim", "plan", "--usage-location", "us", "--usage-location", "GB", "--domain", "CONTOSO.example",
		"--ou", strings.ToLower(sales), "--out", planPath)
	p := readPlan(t, planPath)
	var got []string
	for _, it := range p.Items {
		got = append(got, it.UserID+"/"+it.SkuID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("plan items: got %d %v, want %d %v", len(got), got, len(want), want)
	}
	if p.Filters["ou"] != strings.ToLower(sales) || p.Filters["usage_location"] != "us,GB" || p.Filters["domain"] != "CONTOSO.example" {
		t.Errorf("plan filters: got %v", p.Filters)
	}

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"OU=Sale is not OU=Sales", []string{"--ou", "OU=Sale,OU=Users,DC=contoso,DC=example"}, 1, "nothing to plan"},
		{"a subdomain is not the domain", []string{"--domain", "example"}, 1, "nothing to plan"},
		{"bad values", []string{"--usage-location", "USA", "--ou", "Sales"}, 2, `--usage-location "USA": want a two-letter ISO 3166 country code`},
		{"bad values, the second", []string{"--usage-location", "USA", "--ou", "Sales"}, 2, `--ou "Sales": want a distinguished name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"reclaim", "plan", "--config", e.cfg, "--out", filepath.Join(e.dir, "none.json")}, tc.args...)
			out, errOut, code := runBinary(t, e.env, args...)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr lacks %q?\n%s\n%s", code, tc.code, tc.stderr, out, errOut)
			}
		})
	}

	wantID, _, _ := strings.Cut(want[0], "/")
	csvPath := filepath.Join(e.dir, "rows.csv")
	writeFile(t, csvPath, fmt.Sprintf("ObjectId,SkuPartNumber\n%s,%s\n%s,%s\n", wantID, e.partOf(want[0]), outside, e.partOf(e.firstCandidate(outside))))
	out, errOut, code := runBinary(t, e.env, "reclaim", "plan", "--config", e.cfg, "--csv", csvPath, "--ou", sales,
		"--out", filepath.Join(e.dir, "csv.json"))
	if code != 2 || !strings.Contains(errOut, "csv: line 3: user "+outside+": not in or below --ou "+sales) || strings.Contains(errOut, "line 2") {
		t.Errorf("csv plan with --ou: exit %d, want 2 and line 3 refused, line 2 kept\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, "CN=") {
		t.Errorf("csv refusal quotes a distinguished name:\n%s", errOut)
	}
}

// partOf is the SKU part number of a "user/sku id" candidate key.
func (e *reclaimEnv) partOf(key string) string {
	e.t.Helper()
	id, sku, _ := strings.Cut(key, "/")
	var part string
	e.withDB(func(db *sql.DB) {
		if err := db.QueryRow("SELECT sku_part_number FROM mart_reclamation_candidates WHERE user_id = ? AND sku_id = ?", id, sku).Scan(&part); err != nil {
			e.t.Fatal(err)
		}
	})
	return part
}

// firstCandidate is a "user/sku id" candidate key of user id.
func (e *reclaimEnv) firstCandidate(id string) string {
	e.t.Helper()
	for key := range e.counts("SELECT user_id || '/' || sku_id, 1 FROM mart_reclamation_candidates WHERE user_id = ?", id) {
		return key
	}
	e.t.Fatalf("user %s has no candidate", id)
	return ""
}
