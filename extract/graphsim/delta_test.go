package graphsim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// deltaPage is one decoded users/delta page.
type deltaPage struct {
	NextLink  string           `json:"@odata.nextLink"`
	DeltaLink string           `json:"@odata.deltaLink"`
	Value     []map[string]any `json:"value"`
}

// deltaGet GETs a users/delta URL (path or absolute link) with an
// optional Prefer: odata.maxpagesize and returns the status and body.
func (s *sim) deltaGet(target, token string, maxPage int) (int, []byte) {
	s.t.Helper()
	if !strings.HasPrefix(target, "https://") {
		target = s.srv.URL() + target
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		s.t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if maxPage > 0 {
		req.Header.Set("Prefer", "odata.maxpagesize="+strconv.Itoa(maxPage))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("GET users/delta: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("read users/delta body: %v", err)
	}
	return resp.StatusCode, data
}

// deltaRound walks one round from target and returns its pages.
func (s *sim) deltaRound(target, token string, maxPage int) []deltaPage {
	s.t.Helper()
	var pages []deltaPage
	for target != "" {
		status, data := s.deltaGet(target, token, maxPage)
		if status != http.StatusOK {
			s.t.Fatalf("GET %s: got status %d (%s), want 200", target, status, data)
		}
		var p deltaPage
		if err := json.Unmarshal(data, &p); err != nil {
			s.t.Fatalf("decode users/delta page: %v", err)
		}
		if (p.NextLink == "") == (p.DeltaLink == "") {
			s.t.Fatalf("page %d: got nextLink %t and deltaLink %t, want exactly one", len(pages)+1, p.NextLink != "", p.DeltaLink != "")
		}
		pages = append(pages, p)
		target = p.NextLink
	}
	return pages
}

// roundItems splits a round's items into changed ids and removed ids (with
// their reasons).
func roundItems(t *testing.T, pages []deltaPage) (changed []string, removed map[string]string) {
	t.Helper()
	removed = map[string]string{}
	for _, p := range pages {
		for _, u := range p.Value {
			id, _ := u["id"].(string)
			if r, ok := u["@removed"].(map[string]any); ok {
				removed[id], _ = r["reason"].(string)
				continue
			}
			if _, ok := u["licenseAssignmentStates"]; !ok {
				t.Errorf("changed user %s: licenseAssignmentStates missing, want the $select of the first request", id)
			}
			changed = append(changed, id)
		}
	}
	sort.Strings(changed)
	return changed, removed
}

func ids(tenant *graphsim.Tenant, idx []int) []string {
	out := make([]string, len(idx))
	for n, i := range idx {
		out[n] = tenant.User(i).ID
	}
	sort.Strings(out)
	return out
}

const deltaSelect = "/v1.0/users/delta()?$select=id,assignedLicenses,licenseAssignmentStates&$top=5"

func TestUsersDeltaRounds(t *testing.T) {
	s := startSim(t, 60, graphsim.ServerOptions{})
	tok := s.token()
	before := s.tenant.LiveUsers()

	pages := s.deltaRound(deltaSelect, tok, 7)
	if got, want := len(pages), 9; got != want { // 60 users, 7 a page; $top ignored
		t.Fatalf("initial round: got %d pages, want %d", got, want)
	}
	changed, removed := roundItems(t, pages)
	if want := ids(s.tenant, before); !reflect.DeepEqual(changed, want) || len(removed) != 0 {
		t.Fatalf("initial round: got %d users and %d removed, want every one of the %d users", len(changed), len(removed), len(want))
	}
	link := pages[len(pages)-1].DeltaLink

	if p := s.deltaRound(link, tok, 0); len(p) != 1 || len(p[0].Value) != 0 {
		t.Fatalf("round without changes: got %d pages, first with %d items, want 1 empty page", len(p), len(p[0].Value))
	}

	res := s.tenant.Churn(0.25, 7) // 15 users: 13 changed, 1 added, 1 deleted
	if res.Changed != 13 || res.Added != 1 || res.Deleted != 1 || res.Version != 1 {
		t.Fatalf("Churn(0.25): got %+v, want 13 changed, 1 added, 1 deleted, version 1", res)
	}
	after := s.tenant.LiveUsers()
	pages = s.deltaRound(link, tok, 4)
	changed, removed = roundItems(t, pages)
	if got, want := len(pages), 4; got != want {
		t.Errorf("delta round: got %d pages, want %d (15 items, 4 a page)", got, want)
	}
	if got, want := len(changed), res.Changed+res.Added; got != want {
		t.Errorf("delta round: got %d changed users, want %d", got, want)
	}
	if got, want := len(removed), res.Deleted; got != want {
		t.Errorf("delta round: got %d removed users, want %d", got, want)
	}
	// Applying the round to the first picture gives the live directory.
	picture := map[string]bool{}
	for _, id := range ids(s.tenant, before) {
		picture[id] = true
	}
	for _, id := range changed {
		picture[id] = true
	}
	for id, reason := range removed {
		if reason != "changed" && reason != "deleted" {
			t.Errorf("removed %s: got reason %q, want changed or deleted", id, reason)
		}
		delete(picture, id)
	}
	var got []string
	for id := range picture {
		got = append(got, id)
	}
	sort.Strings(got)
	if want := ids(s.tenant, after); !reflect.DeepEqual(got, want) {
		t.Errorf("initial round + delta: got %d users, want the %d live users", len(got), len(want))
	}
	// GET /users lists the live users only.
	body := s.getJSON("/v1.0/users?$select=id&$top=999", tok, http.StatusOK)
	if got, want := len(body["value"].([]any)), len(after); got != want {
		t.Errorf("GET /users after Churn: got %d users, want %d", got, want)
	}
}

func TestUsersDeltaLatestAndExpiry(t *testing.T) {
	s := startSim(t, 30, graphsim.ServerOptions{})
	tok := s.token()
	pages := s.deltaRound("/v1.0/users/delta?$deltatoken=latest&$select=id,assignedLicenses,licenseAssignmentStates", tok, 0)
	if len(pages) != 1 || len(pages[0].Value) != 0 {
		t.Fatalf("$deltatoken=latest: got %d pages, first with %d items, want one empty page", len(pages), len(pages[0].Value))
	}
	latest := pages[0].DeltaLink
	res := s.tenant.Churn(0.5, 1)
	changed, removed := roundItems(t, s.deltaRound(latest, tok, 0))
	if got, want := len(changed)+len(removed), res.Changed+res.Added+res.Deleted; got != want {
		t.Errorf("delta from latest: got %d items, want %d", got, want)
	}
	first := s.deltaRound(deltaSelect, tok, 5)[0].NextLink

	forged := strings.Replace(latest, "deltatoken=", "deltatoken=A", 1)
	s.tenant.ExpireDeltaTokens()
	for name, link := range map[string]string{"expired deltaLink": latest, "expired nextLink": first, "forged deltaLink": forged} {
		t.Run(name, func(t *testing.T) {
			status, data := s.deltaGet(link, tok, 0)
			if status != http.StatusGone || errorCode(t, data) != "syncStateNotFound" {
				t.Errorf("got %d %s, want 410 syncStateNotFound", status, data)
			}
		})
	}
	if stats := s.srv.Stats(); stats.Count("usersDelta", http.StatusGone) != 3 {
		t.Errorf("stats: got %d 410 answers for usersDelta, want 3", stats.Count("usersDelta", http.StatusGone))
	}
}

// TestChurnConsistent checks that Churn is deterministic and keeps
// consumedUnits equal to the licences the live users hold.
func TestChurnConsistent(t *testing.T) {
	gen := func() *graphsim.Tenant {
		tn := graphsim.Generate(graphsim.GenOptions{Users: 2000, Seed: 5, Now: fixedNow})
		tn.Churn(0.05, 11)
		tn.Churn(0.05, 12)
		return tn
	}
	a, b := gen(), gen()
	if !reflect.DeepEqual(a.LiveUsers(), b.LiveUsers()) {
		t.Fatalf("two churns of the same tenant and seeds: live users differ")
	}
	base := graphsim.Generate(graphsim.GenOptions{Users: 2000, Seed: 5, Now: fixedNow})
	held := map[string]int64{}
	licenceChanged := 0
	for _, i := range a.LiveUsers() {
		ua, ub := a.User(i), b.User(i)
		if !reflect.DeepEqual(ua, ub) {
			t.Fatalf("user %d differs between two identical churns", i)
		}
		for _, l := range ua.AssignedLicenses {
			held[l.SkuID]++
		}
		if i < base.UserCount() && !reflect.DeepEqual(ua.AssignedLicenses, base.User(i).AssignedLicenses) {
			licenceChanged++
		}
	}
	for _, sku := range a.SKUs() {
		if got, want := sku.ConsumedUnits, held[sku.SkuID]; got != want {
			t.Errorf("%s: got consumedUnits %d, want %d (licences the live users hold)", sku.SkuPartNumber, got, want)
		}
	}
	if licenceChanged == 0 {
		t.Errorf("two churns of 5%%: got no user whose licences changed, want some")
	}
	if got, want := len(a.LiveUsers()), 2000; got != want { // as many added as deleted
		t.Errorf("live users after churn: got %d, want %d", got, want)
	}
}

// TestAssignLicenseShowsInDelta: a licence change through assignLicense
// changes assignedLicenses, which Graph's users/delta tracks: the next
// round reports exactly that user.
func TestAssignLicenseShowsInDelta(t *testing.T) {
	s := startSim(t, 200, graphsim.ServerOptions{})
	tok := s.token()
	latest := s.deltaRound("/v1.0/users/delta?$deltatoken=latest&$select=id,assignedLicenses,licenseAssignmentStates", tok, 0)[0].DeltaLink
	u := findUser(t, s.tenant, "holds E3 directly", func(u extract.User) bool { return direct(u, skuE3) && u.UsageLocation != "" })
	if _, err := s.tenant.AssignLicense(u.ID, nil, []string{skuE3}); err != nil {
		t.Fatalf("AssignLicense: %v", err)
	}
	changed, removed := roundItems(t, s.deltaRound(latest, tok, 0))
	if !reflect.DeepEqual(changed, []string{u.ID}) || len(removed) != 0 {
		t.Errorf("delta after assignLicense: got changed %v, removed %v; want just %s", changed, removed, u.ID)
	}
}
