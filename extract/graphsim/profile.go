package graphsim

import (
	"strconv"
	"strings"
	"time"
)

// Kinds of directory account.
const (
	kindMember = iota
	kindGuest
	kindService // shared mailboxes, rooms, service accounts
)

type department struct {
	name, costCenter, division string
	weight                     int
}

var departments = []department{
	{"Sales", "CC-1010", "Commercial", 18}, {"Marketing", "CC-1020", "Commercial", 8},
	{"Engineering", "CC-2010", "Product", 22}, {"Support", "CC-2020", "Product", 12},
	{"Operations", "CC-3010", "Operations", 12}, {"IT", "CC-3020", "Operations", 5},
	{"Finance", "CC-4010", "Corporate", 7}, {"HR", "CC-4020", "Corporate", 5},
	{"Legal", "CC-4030", "Corporate", 3}, {"Executive", "CC-0001", "Corporate", 1},
}

var departmentWeights = weightsOf(len(departments), func(i int) int { return departments[i].weight })

var jobTitles = map[string][]string{
	"Sales":       {"Account Executive", "Sales Manager", "Inside Sales Representative"},
	"Marketing":   {"Marketing Specialist", "Content Strategist", "Brand Manager"},
	"Engineering": {"Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer"},
	"Support":     {"Support Engineer", "Customer Success Manager"},
	"Operations":  {"Warehouse Associate", "Operations Manager", "Logistics Coordinator"},
	"IT":          {"Systems Administrator", "IT Support Technician"},
	"Finance":     {"Accountant", "Financial Analyst", "Controller"},
	"HR":          {"HR Business Partner", "Recruiter"},
	"Legal":       {"Counsel", "Paralegal"},
	"Executive":   {"Chief Executive Officer", "Chief Financial Officer", "Chief Operating Officer"},
}

type country struct {
	name, code, city, phone, lang string
	weight                        int
}

var countries = []country{
	{"United States", "US", "Seattle", "+1 425 555 ", "en-US", 40},
	{"United Kingdom", "GB", "London", "+44 20 7946 ", "en-GB", 12},
	{"Germany", "DE", "Munich", "+49 89 5551 ", "de-DE", 10},
	{"France", "FR", "Paris", "+33 1 5555 ", "fr-FR", 6},
	{"India", "IN", "Hyderabad", "+91 40 5555 ", "en-IN", 10},
	{"Japan", "JP", "Tokyo", "+81 3 5555 ", "ja-JP", 5},
	{"Canada", "CA", "Toronto", "+1 416 555 ", "en-CA", 6},
	{"Australia", "AU", "Sydney", "+61 2 5550 ", "en-AU", 4},
	{"Netherlands", "NL", "Amsterdam", "+31 20 555 ", "nl-NL", 4},
	{"Brazil", "BR", "São Paulo", "+55 11 5555 ", "pt-BR", 3},
}

var countryWeights = weightsOf(len(countries), func(i int) int { return countries[i].weight })

var givenNames = []string{
	"Adele", "Alex", "Allan", "Bianca", "Brian", "Cameron", "Chloé", "Christie", "Debra", "Diego",
	"Emily", "Enrico", "Fatima", "Grady", "Hana", "Henrietta", "Isaiah", "Jan", "Johanna", "Joni",
	"Kenji", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Nora", "Olga", "Patti",
	"Pradeep", "Raul", "Sakura", "Sean", "Søren", "Tomás", "Una", "Vikram", "Wen", "Zoë",
}

var surnames = []string{
	"Vance", "Wilber", "Deyoung", "Pisani", "Johnson", "Gonzalez", "Holt", "Baker", "Berger", "Siciliani",
	"Braun", "Patel", "Yamamoto", "Mendes", "O'Brien", "Nguyen", "Kowalski", "Müller", "Dubois", "Okafor",
	"Sato", "Rossi", "Larsen", "Silva", "Kim", "Ivanova", "Haddad", "Fischer", "Moreau", "Andersson",
}

var guestDomains = []string{"gmail.com", "outlook.com", "fabrikam.example", "tailspintoys.example", "yahoo.co.uk"}

var serviceNames = []string{"Conf Room", "Shared Mailbox", "Scanner", "Teams Room", "Service Account"}

func weightsOf(n int, w func(int) int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = w(i)
	}
	return out
}

// profile is the cheap, string-free part of a user that licences and
// activity depend on.
type profile struct {
	kind          int
	enabled       bool
	createdAt     time.Time
	ageDays       int
	dept          int // -1: no department
	country       int
	usageLocation bool
	orgData       bool // employeeOrgData set
}

// graphNullCreatedBefore: Graph returns createdDateTime null for accounts
// created before June 2018 (documented on the user resource).
var graphNullCreatedBefore = time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC)

func (t *Tenant) profile(i int) profile {
	r := newRNG(t.seed, i, streamProfile)
	p := profile{kind: kindMember, dept: -1}
	switch x := r.float(); {
	case x < 0.06:
		p.kind = kindGuest
	case x < 0.075:
		p.kind = kindService
	}
	p.enabled = r.chance(0.95)
	if r.chance(0.04) {
		p.ageDays = r.intn(30) // inside the grace period
	} else {
		p.ageDays = 30 + min(r.intn(3300), r.intn(3300)) // skewed to recent
	}
	p.createdAt = truncSecond(t.origin.Add(-time.Duration(p.ageDays)*24*time.Hour - time.Duration(r.intn(86400))*time.Second))
	if i >= t.base { // added by Churn: created then, licensed from then on
		p.ageDays, p.createdAt = 0, t.born[i-t.base]
	}
	p.country = r.pick(countryWeights)
	switch p.kind {
	case kindMember:
		p.dept = r.pick(departmentWeights)
		if r.chance(0.03) {
			p.dept = -1
		}
		p.usageLocation = r.chance(0.985)
		p.orgData = p.dept >= 0 && r.chance(0.9)
	case kindGuest:
		p.usageLocation = r.chance(0.6)
	case kindService:
		p.usageLocation = r.chance(0.9)
	}
	return p
}

// truncSecond is t.Truncate(time.Second), without its division when t
// is a whole second already (as the origin and every offset from it are).
func truncSecond(t time.Time) time.Time {
	if t.Nanosecond() == 0 {
		return t.Round(0) // Truncate drops the monotonic reading
	}
	return t.Truncate(time.Second)
}

// userIndexFromUPN recovers i from a user principal name built by names:
// the first run of digits. The caller must still compare the whole name.
func userIndexFromUPN(upn string) (int, bool) {
	start := strings.IndexAny(upn, "0123456789")
	if start < 0 {
		return 0, false
	}
	end := start
	for end < len(upn) && upn[end] >= '0' && upn[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(upn[start:end])
	return n, err == nil
}
