package graph

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// checkScan compares scanUsersPage with encoding/json on data: when the
// scanner accepts a page, encoding/json must accept it too and decode the
// same values. It returns whether the scanner accepted the page.
func checkScan(t *testing.T, data []byte) bool {
	t.Helper()
	var want page[wireUser]
	wantErr := json.Unmarshal(data, &want)
	got, ok := scanUsersPage(data)
	if !ok {
		return false
	}
	if wantErr != nil {
		t.Fatalf("scanner accepted a page encoding/json rejects (%v):\n%s", wantErr, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("scanner decoded\n%+v\nwant (encoding/json)\n%+v\npage:\n%s", got, want, data)
	}
	return true
}

// TestScanUsersPage checks the scanner against encoding/json on the
// shapes Graph sends and on pages it must hand to the fallback.
func TestScanUsersPage(t *testing.T) {
	cases := []struct {
		name   string
		page   string
		wantOK bool // the scanner decodes it itself
	}{
		{"generated page", string(usersPage(50, "https://graph.microsoft.com/v1.0/users?$skiptoken=x")), true},
		{"empty value", `{"value":[]}`, true},
		{"null value", `{"value":null}`, true},
		{"no value", `{"@odata.context":"x"}`, true},
		{"whitespace", " {\n\t\"value\" : [ { \"id\" : \"a\" } , null ] }\r\n", true},
		{"nulls everywhere", `{"@odata.nextLink":null,"value":[{"id":"a","mail":null,"accountEnabled":null,"employeeOrgData":null,"assignedLicenses":null,"licenseAssignmentStates":null,"createdDateTime":null}]}`, true},
		{"null elements", `{"value":[null,{"id":"b","assignedLicenses":[null,{"skuId":"s","disabledPlans":[null,"p"]}],"licenseAssignmentStates":[null]}]}`, true},
		{"accountEnabled false", `{"value":[{"id":"c","accountEnabled":false}]}`, true},
		{"synced from on-premises", `{"value":[{"id":"c1","onPremisesDistinguishedName":"CN=Lee\\, Ann,OU=Sales,OU=Users,DC=contoso,DC=com","onPremisesSyncEnabled":true}]}`, true},
		{"sync disabled", `{"value":[{"id":"c2","onPremisesDistinguishedName":"CN=Zoë Ångström,OU=Users,DC=contoso,DC=com","onPremisesSyncEnabled":false}]}`, true},
		{"cloud-only", `{"value":[{"id":"c3","onPremisesDistinguishedName":null,"onPremisesSyncEnabled":null}]}`, true},
		{"syncEnabled as string", `{"value":[{"id":"c4","onPremisesSyncEnabled":"true"}]}`, false},
		{"DN as number", `{"value":[{"id":"c5","onPremisesDistinguishedName":1}]}`, false},
		{"case-folded DN key", `{"value":[{"id":"c6","onPremisesDistinguishedname":"CN=x"}]}`, false},
		{"unknown fields", `{"value":[{"id":"d","x":{"y":[1,-2.5e+3,0,true,false,null,"s\u00e9",{}],"z":[]},"employeeOrgData":{"division":"D","costCenter":"CC"}}],"@odata.count":12}`, true},
		{"non-ASCII", `{"value":[{"id":"e","displayName":"Zoë Ångström 山田 🎉"}]}`, true},
		{"escapes", `{"value":[{"id":"f","displayName":"O\"Brien \\ \/ \u00e9\n\ud83c\udf89"}]}`, true},
		{"lone surrogate escape", `{"value":[{"id":"g","displayName":"\ud800x"}]}`, true},
		{"invalid UTF-8", "{\"value\":[{\"id\":\"h\",\"displayName\":\"a\xffb\"}]}", false},
		{"case-folded key", `{"value":[{"ID":"i","DisplayName":"x"}]}`, false},
		{"kelvin sign folds to k", "{\"value\":[{\"id\":\"j\",\"s\u212auId\":1}]}", false},
		{"duplicate key", `{"value":[{"id":"k","displayName":"a","displayName":null}]}`, false},
		{"duplicate value", `{"value":[{"id":"l"}],"value":[]}`, false},
		{"escaped key", `{"value":[{"\u0069d":"m"}]}`, false},
		{"wrong type", `{"value":[{"id":5}]}`, false},
		{"bool as string", `{"value":[{"id":"n","accountEnabled":"true"}]}`, false},
		{"truncated", `{"value":[{"id":`, false},
		{"trailing garbage", `{"value":[]} x`, false},
		{"trailing comma", `{"value":[{"id":"o"},]}`, false},
		{"bad number in unknown", `{"value":[{"id":"p","n":01}]}`, false},
		{"bad escape in unknown", `{"value":[{"id":"q","u":"\x"}]}`, false},
		{"control character", "{\"value\":[{\"id\":\"r\x01\"}]}", false},
		{"not an object", `[]`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkScan(t, []byte(tc.page)); got != tc.wantOK {
				t.Errorf("scanner accepted: got %v, want %v", got, tc.wantOK)
			}
		})
	}
}

// randomPage is a users page with random nulls, unknown fields, escapes,
// non-ASCII text and whitespace.
func randomPage(r *rand.Rand) []byte {
	str := func() string {
		parts := []string{"a", "Zoë", "山田", `\"`, `\\`, `\u00e9`, `\n`, " ", "🎉", "x-1"}
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		return `"` + b.String() + `"`
	}
	val := func(s string) string {
		switch r.IntN(8) {
		case 0:
			return "null"
		case 1:
			return `{"deep":[1,2.5,-3e2,"u",{"k":null}]}`
		}
		return s
	}
	ws := func() string { return []string{"", "", " ", "\n\t"}[r.IntN(4)] }
	obj := func(fields []string, value func(f string) string) string {
		var kv []string
		for _, f := range fields {
			if r.IntN(5) > 0 {
				kv = append(kv, fmt.Sprintf(`%s"%s"%s:%s%s`, ws(), f, ws(), ws(), value(f)))
			}
		}
		if r.IntN(3) == 0 {
			kv = append(kv, `"futureField":`+val(str()))
		}
		r.Shuffle(len(kv), func(i, j int) { kv[i], kv[j] = kv[j], kv[i] })
		return "{" + strings.Join(kv, ",") + "}"
	}
	list := func(elem func() string) string {
		if r.IntN(6) == 0 {
			return "null"
		}
		var es []string
		for range r.IntN(3) {
			if r.IntN(8) == 0 {
				es = append(es, "null")
			} else {
				es = append(es, elem())
			}
		}
		return "[" + ws() + strings.Join(es, ","+ws()) + "]"
	}
	plans := func() string { return list(func() string { return str() }) }
	user := func() string {
		return obj(userFields, func(f string) string {
			switch f {
			case "accountEnabled", "onPremisesSyncEnabled":
				return []string{"true", "false", "null"}[r.IntN(3)]
			case "onPremisesDistinguishedName":
				cn := str()
				return []string{`"CN=` + cn[1:len(cn)-1] + `,OU=Sales,DC=contoso,DC=com"`, `"CN=Lee\\, Ann,OU=Users,DC=x"`, "null"}[r.IntN(3)]
			case "employeeOrgData":
				if r.IntN(3) == 0 {
					return "null"
				}
				return obj(orgFields, func(string) string { return str() })
			case "assignedLicenses":
				return list(func() string {
					return obj(licenseFields, func(f string) string {
						if f == "disabledPlans" {
							return plans()
						}
						return str()
					})
				})
			case "licenseAssignmentStates":
				return list(func() string {
					return obj(stateFields, func(f string) string {
						if f == "disabledPlans" {
							return plans()
						}
						return []string{str(), "null"}[r.IntN(2)]
					})
				})
			}
			return []string{str(), "null"}[r.IntN(2)]
		})
	}
	return []byte(obj([]string{"@odata.context", "@odata.nextLink", "value"}, func(f string) string {
		if f == "value" {
			return list(user)
		}
		return str()
	}))
}

// TestScanUsersPageRandom compares the scanner with encoding/json on
// generated pages; the scanner must decode nearly all of them itself.
func TestScanUsersPageRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	const n = 2000
	for range n {
		if checkScan(t, randomPage(r)) {
			accepted++
		}
	}
	if accepted < n*9/10 {
		t.Errorf("scanner decoded %d of %d generated pages itself, want at least 90%%", accepted, n)
	}
}

// FuzzScanUsersPage: whatever the scanner accepts, encoding/json decodes
// to the same values.
func FuzzScanUsersPage(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		f.Add(randomPage(r))
	}
	f.Add(usersPage(3, "https://graph.microsoft.com/v1.0/users?$skiptoken=x"))
	f.Add([]byte(`{"value":[{"ID":"x","id":"y"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScan(t, data)
	})
}

// BenchmarkScanUsersPage decodes one 999-user page with scanUsersPage
// (compare BenchmarkParseUsersPage/json).
func BenchmarkScanUsersPage(b *testing.B) {
	const n = 999
	data := usersPage(n, "https://graph.microsoft.com/v1.0/users?$skiptoken=x")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		pg, ok := scanUsersPage(data)
		if !ok || len(pg.Value) != n {
			b.Fatalf("got %d users, ok %v, want %d", len(pg.Value), ok, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "users/s")
}
