package graphsim

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// The signal reports take shortcuts to stay cheap at scale; each test
// here holds one to what it stands for, so that a change on either side
// fails with a name rather than as a moved report hash.

// fastTenants are tenants the shortcuts are checked on: day 0 and after
// days of churn (the report snapshot differs from the generated
// licences), with Copilot, and domains whose first letter is not ASCII.
func fastTenants() map[string]*Tenant {
	now := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	return map[string]*Tenant{
		"day 0":          Generate(GenOptions{Users: 3000, Seed: 42, Now: now, CopilotSeats: 0.5}),
		"day 6 churn":    Generate(GenOptions{Users: 2000, Seed: 7, Now: now, Day: 6, DailyChurn: 0.05, CopilotSeats: 0.8}),
		"day 190 churn":  Generate(GenOptions{Users: 300, Seed: 3, Now: now, Day: 190, DailyChurn: 0.01, CopilotSeats: 1}),
		"accented":       Generate(GenOptions{Users: 800, Seed: 5, Now: now, Domain: "Ångström.Example"}),
		"mixed case dom": Generate(GenOptions{Users: 800, Seed: 6, Now: now, Domain: "Fabrikam.EXAMPLE"}),
	}
}

// namesReference is names as it was first written: names must spell
// every user exactly so.
func (t *Tenant) namesReference(i int, p profile) (given, sur, display, upn, mail string) {
	r := newRNG(t.seed, i, streamName)
	given, sur = givenNames[r.intn(len(givenNames))], surnames[r.intn(len(surnames))]
	local := asciiFold(strings.ToLower(given)) + "." + asciiFold(strings.ToLower(strings.ReplaceAll(sur, "'", ""))) + strconv.Itoa(i)
	switch p.kind {
	case kindGuest:
		dom := guestDomains[r.intn(len(guestDomains))]
		mail = local + "@" + dom
		upn = local + "_" + dom + "#EXT#@" + t.initialDomain
		display = given + " " + sur
		if r.chance(0.3) {
			display += " (" + strings.Split(dom, ".")[0] + ")"
		}
		return given, sur, display, upn, mail
	case kindService:
		display = serviceNames[r.intn(len(serviceNames))] + " " + sur
		local = strings.ToLower(strings.ReplaceAll(display, " ", "")) + strconv.Itoa(i)
		upn = local + "@" + t.domain
		if r.chance(0.7) {
			mail = upn
		}
		return "", "", display, upn, mail
	}
	display = given + " " + sur
	if r.chance(0.03) {
		display = sur + ", " + given
	}
	upn = local + "@" + t.domain
	if r.chance(0.15) {
		upn = titleLocal(local) + "@" + titleDomain(t.domain)
	}
	return given, sur, display, upn, upn
}

func TestNamesMatchReference(t *testing.T) {
	for name, tn := range fastTenants() {
		t.Run(name, func(t *testing.T) {
			for _, i := range append(seq(tn.UserCount()), deletedIndex, deletedIndex+17) {
				p := profile{kind: kindMember}
				if i < tn.UserCount() {
					p = tn.profile(i)
				}
				var got, want [5]string
				got[0], got[1], got[2], got[3], got[4] = tn.names(i, p)
				want[0], want[1], want[2], want[3], want[4] = tn.namesReference(i, p)
				if got != want {
					t.Fatalf("user %d: got names %q, want %q", i, got, want)
				}
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestReportNames: the signal reports spell names as reportCase and
// ConcealName do, in place or not.
func TestReportNames(t *testing.T) {
	for name, tn := range fastTenants() {
		t.Run(name, func(t *testing.T) {
			for i := range tn.UserCount() {
				p := tn.profile(i)
				_, _, display, upn, _ := tn.names(i, p)
				r := newRNG(tn.seed, i, streamReportCase)
				wantUPN := reportCase(&r, upn)
				gotUPN, gotDisplay := tn.reportNamesOf(i, tn.drawName(i, p))
				if gotUPN != wantUPN || gotDisplay != display {
					t.Fatalf("user %d: got %q %q, want %q %q", i, gotUPN, gotDisplay, wantUPN, display)
				}
			}
		})
	}
	tn := fastTenants()["accented"]
	tn.SetReportSettings(extract.ReportSettings{DisplayConcealedNames: true})
	for i := range 50 {
		p := tn.profile(i)
		_, _, display, upn, _ := tn.names(i, p)
		r := newRNG(tn.seed, i, streamReportCase)
		gotUPN, gotDisplay := tn.reportNamesOf(i, tn.drawName(i, p))
		if want := concealReference(reportCase(&r, upn)); gotUPN != want || gotDisplay != concealReference(display) {
			t.Fatalf("user %d concealed: got %q %q, want %q %q", i, gotUPN, gotDisplay, want, concealReference(display))
		}
	}
}

func concealReference(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func TestReportCaseIn(t *testing.T) {
	for _, upn := range []string{"adele.vance1@contoso.example", "Adele.Vance1@Contoso.example", "zoë@x", "élan@y", "A@B"} {
		for seed := range int64(400) {
			r1, r2 := newRNG(seed, 1, streamReportCase), newRNG(seed, 1, streamReportCase)
			b := append([]byte("Display, Name"), upn...)
			if got, want := string(reportCaseIn(&r1, b, 13)[13:]), reportCase(&r2, upn); got != want {
				t.Fatalf("%q seed %d: got %q, want %q", upn, seed, got, want)
			}
		}
	}
}

// TestExchangeLastActivity: the mailbox report's Last Activity Date is
// the Office 365 report's Exchange date.
func TestExchangeLastActivity(t *testing.T) {
	for name, tn := range fastTenants() {
		t.Run(name, func(t *testing.T) {
			rows := 0
			for i := range tn.UserCount() {
				if _, _, ok := tn.mailboxUsage(i, "D7"); !ok {
					continue
				}
				rows++
				var want time.Time
				if a, ok := tn.Activity(i); ok {
					want = a.LastActivityDate[0]
				}
				if got := tn.exchangeLastActivity(i, tn.profile(i)); !got.Equal(want) {
					t.Fatalf("user %d: got %v, want %v", i, got, want)
				}
			}
			if rows == 0 {
				t.Fatalf("no mailboxes")
			}
		})
	}
}

// TestMayHoldCopilot: a user mayHoldCopilot rules out holds no Copilot
// plan in their generated licences.
func TestMayHoldCopilot(t *testing.T) {
	for name, tn := range fastTenants() {
		t.Run(name, func(t *testing.T) {
			holders := 0
			for i := range tn.UserCount() {
				p := tn.profile(i)
				s := tn.baseLicences(i, p)
				_, ok := tn.heldPlan(&s, classCopilot)
				if ok && !tn.mayHoldCopilot(i, p) {
					t.Fatalf("user %d: holds Copilot, yet mayHoldCopilot is false", i)
				}
				holders += bool2int(ok)
			}
			if (tn.copilot > 0) != (holders > 0) {
				t.Errorf("holders: got %d with CopilotSeats %v", holders, tn.copilot)
			}
		})
	}
}

// TestDisabledEverywhere: heldPlan's test of a plan is
// effectiveDisabled's.
func TestDisabledEverywhere(t *testing.T) {
	tn := fastTenants()["day 0"]
	disabled := [][]string{nil, {}, {"A"}, {"a", "b"}, {"B"}}
	ids := []string{"a", "A", "b", "c"}
	for sku := range numSKUs {
		for _, dis := range disabled {
			for _, direct := range []bool{false, true} {
				for groups := range uint16(1 << len(licenceGroups)) {
					h := hold{sku: sku, direct: direct, disabled: dis, groups: groups}
					for g := range licenceGroups {
						tn.groupDis[g][sku] = disabled[(g+sku)%len(disabled)]
					}
					for _, id := range ids {
						got, want := disabledEverywhere(&h, tn.groupDis, id), containsFold(effectiveDisabled(h, tn.groupDis), id)
						if got != want {
							t.Fatalf("hold %+v, id %s: got %v, want %v", h, id, got, want)
						}
					}
				}
			}
		}
	}
}

func TestAddDays(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 13, 5, 7, 99, time.UTC),
		time.Date(2026, 3, 29, 0, 0, 0, 0, time.FixedZone("x", 3600)), time.Now(), time.Now().UTC(),
	}
	for _, at := range times {
		for _, n := range []int{0, 1, -1, 30, -400, 3650, -maxFastDays - 1, maxFastDays} {
			if got, want := addDays(at, n), at.AddDate(0, 0, n); got != want {
				t.Errorf("addDays(%v, %d): got %v, want %v", at, n, got, want)
			}
		}
	}
}

func TestAppendDate(t *testing.T) {
	for _, at := range []time.Time{
		{}, time.Date(2026, 11, 20, 23, 59, 59, 0, time.UTC), time.Date(9, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(-3, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(12345, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 30, 0, 0, time.FixedZone("x", 3600)),
	} {
		want := ""
		if !at.IsZero() {
			want = at.UTC().Format("2006-01-02")
		}
		if got := string(appendDate(nil, at)); got != want {
			t.Errorf("appendDate(%v): got %q, want %q", at, got, want)
		}
	}
}

func TestAppendCSV(t *testing.T) {
	for _, s := range []string{"", "plain", "Vance, Adele", `say "hi"`, "a\nb", "c\rd", `"`, "Zoë"} {
		want := s
		if strings.ContainsAny(s, ",\"\r\n") {
			want = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		if got, gotBytes := string(appendCSV(nil, s)), string(appendCSV(nil, []byte(s))); got != want || gotBytes != want {
			t.Errorf("appendCSV(%q): got %q and %q, want %q", s, got, gotBytes, want)
		}
	}
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDayAndTruncSecond(t *testing.T) {
	for _, at := range []time.Time{
		{}, time.Date(2026, 11, 20, 23, 59, 59, 999, time.UTC), time.Date(1969, 12, 31, 23, 0, 0, 5, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(2026, 3, 29, 0, 30, 0, 0, time.FixedZone("x", 3600)),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Now(), time.Now().Truncate(time.Second),
	} {
		if got, want := day(at), at.UTC().Truncate(24*time.Hour); got != want {
			t.Errorf("day(%v): got %#v, want %#v", at, got, want)
		}
		if got, want := truncSecond(at), at.Truncate(time.Second); got != want {
			t.Errorf("truncSecond(%v): got %#v, want %#v", at, got, want)
		}
	}
}
