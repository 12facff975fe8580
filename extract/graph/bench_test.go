package graph

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/seatledger/seatledger/extract"
)

// usersPage is a 999-user page in Graph's exact JSON shape for the
// extract.UserSelect fields; three users in five are synced from an
// on-premises directory (a DN and onPremisesSyncEnabled true), the others
// have both null.
// next is the @odata.nextLink, omitted when empty.
func usersPage(n int, next string) []byte {
	var b strings.Builder
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,displayName,mail,department,employeeOrgData,companyName,country,usageLocation,userType,accountEnabled,createdDateTime,assignedLicenses,licenseAssignmentStates,onPremisesDistinguishedName,onPremisesSyncEnabled)",`)
	if next != "" {
		b.WriteString(`"@odata.nextLink":"` + next + `",`)
	}
	b.WriteString(`"value":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		group := "null"
		if i%3 == 0 {
			group = `"5e0a9d3c-4b2f-4a1e-8c7d-6f5e4d3c2b1a"`
		}
		fmt.Fprintf(&b, `{"id":"%08x-1b2c-4d3e-8f40-%012x","userPrincipalName":"user%d@contoso.onmicrosoft.com","displayName":"User Number %d","mail":"user%d@contoso.com","department":"Department %d","employeeOrgData":{"division":null,"costCenter":"CC-%04d"},"companyName":"Contoso Ltd","country":"France","usageLocation":"FR","userType":"Member","accountEnabled":true,"createdDateTime":"2021-0%d-1%dT08:%02d:00Z",`,
			i, i, i, i, i, i%40, i%500, 1+i%9, i%10, i%60)
		fmt.Fprintf(&b, `"assignedLicenses":[{"disabledPlans":["a23b959c-7ce8-4e57-9140-b90eb88a9e97"],"skuId":"06ebc4ee-1bb5-47dd-8120-11324bc54e06"},{"disabledPlans":[],"skuId":"f30db892-07e9-47e9-837c-80727f46fd3d"}],`)
		fmt.Fprintf(&b, `"licenseAssignmentStates":[{"skuId":"06ebc4ee-1bb5-47dd-8120-11324bc54e06","disabledPlans":["a23b959c-7ce8-4e57-9140-b90eb88a9e97"],"assignedByGroup":%s,"state":"Active","error":"None","lastUpdatedDateTime":"2023-04-05T06:07:08Z"},{"skuId":"f30db892-07e9-47e9-837c-80727f46fd3d","disabledPlans":[],"assignedByGroup":null,"state":"Active","error":"None","lastUpdatedDateTime":null}],`, group)
		if i%5 < 3 {
			fmt.Fprintf(&b, `"onPremisesDistinguishedName":"CN=User Number %d,OU=Department %d,OU=Users,DC=contoso,DC=com","onPremisesSyncEnabled":true}`, i, i%40)
		} else {
			b.WriteString(`"onPremisesDistinguishedName":null,"onPremisesSyncEnabled":null}`)
		}
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkParseUsersPage compares decoding one 999-user page with the
// SDK's models against encoding/json into plain structs (the path Users
// takes); it reports users/s and allocated bytes per page (B/op).
func BenchmarkParseUsersPage(b *testing.B) {
	const n = 999
	data := usersPage(n, "https://graph.microsoft.com/v1.0/users?$select=id&$top=999&$skiptoken=RFNwdAIAAQAAABc6dXNlcjFAY29udG9zby5jb20pVXNlcl8xMjM0NTY3OC05YWJjLWRlZjAtMTIzNC01Njc4OWFiY2RlZjAAAAAAAAAAAAAA")
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			node, err := jsonser.NewJsonParseNode(data)
			if err != nil {
				b.Fatal(err)
			}
			v, err := node.GetObjectValue(models.CreateUserCollectionResponseFromDiscriminatorValue)
			if err != nil {
				b.Fatal(err)
			}
			if got := len(v.(models.UserCollectionResponseable).GetValue()); got != n {
				b.Fatalf("got %d users, want %d", got, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "users/s")
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		var buf []extract.User
		for b.Loop() {
			var pg page[wireUser]
			if err := json.Unmarshal(data, &pg); err != nil {
				b.Fatal(err)
			}
			var err error
			if buf, err = decodeUsers(pg.Value, buf); err != nil || len(buf) != n {
				b.Fatalf("got %d users, err %v, want %d", len(buf), err, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "users/s")
	})
}
