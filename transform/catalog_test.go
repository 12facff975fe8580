package transform_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/transform"
)

const catalogHeader = "Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names"

// TestParseCatalogTraps feeds each trap of Microsoft's CSV on its own.
func TestParseCatalogTraps(t *testing.T) {
	const e3 = "Microsoft 365 E3,SPE_E3,05e9a617-0261-4cee-bb44-138d3ef5d965,EXCHANGE_S_ENTERPRISE,efb87545-963c-4e0d-99df-69c6916d9eb0,Exchange Online (Plan 2)"
	tests := []struct {
		name, csv             string
		skuID, part, planName string
		plans                 int
	}{
		{"plain LF", catalogHeader + "\n" + e3 + "\n", "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "EXCHANGE_S_ENTERPRISE", 1},
		{"BOM and CRLF", "\ufeff" + catalogHeader + "\r\n" + e3 + "\r\n", "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "EXCHANGE_S_ENTERPRISE", 1},
		{"NBSP after GUID", catalogHeader + "\nMCOCAP,MCOCAP_FACULTY,420c7602-7f70-4895-9394-d3d679ea36fb\u00a0,MCOEV,4828c8ec-dc2e-4779-b502-87ac9ce28ab7,Phone\n",
			"420c7602-7f70-4895-9394-d3d679ea36fb", "MCOCAP_FACULTY", "MCOEV", 1},
		{"upper-case GUID with inner NBSP", catalogHeader + "\nX,X1,05E9A617-0261-4CEE-BB44-\u00a0138D3EF5D965,P,EFB87545-963C-4E0D-99DF-69C6916D9EB0,F\n",
			"05e9a617-0261-4cee-bb44-138d3ef5d965", "X1", "P", 1},
		{"trailing tab and space", catalogHeader + "\nAIP,RIGHTSMANAGEMENT_CE_GOV\t,78362de1-6942-4bb8-83a1-a32aa67e6e2c,ATP_ENTERPRISE ,f20fedf3-f3c3-43c3-8267-2bfdd51c0939,F\n",
			"78362de1-6942-4bb8-83a1-a32aa67e6e2c", "RIGHTSMANAGEMENT_CE_GOV", "ATP_ENTERPRISE", 1},
		{"tabs inside a name", catalogHeader + "\nW,WIN10_VDA_E3,6a0f6da5-0b87-4190-a6ae-9bb5a2b9546a,Virtualization \tRights \tfor \tWindows,e7c91390-7625-45be-94e0-e16907e03118,F\n",
			"6a0f6da5-0b87-4190-a6ae-9bb5a2b9546a", "WIN10_VDA_E3", "Virtualization Rights for Windows", 1},
		{"duplicate row", catalogHeader + "\n" + e3 + "\n" + e3 + "\n", "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "EXCHANGE_S_ENTERPRISE", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := transform.ParseCatalog(strings.NewReader(tc.csv))
			if err != nil {
				t.Fatalf("ParseCatalog: %v", err)
			}
			s, ok := c.ByID(strings.ToUpper(tc.skuID))
			if !ok {
				t.Fatalf("ByID(%s): not found", tc.skuID)
			}
			if s.PartNumber != tc.part {
				t.Errorf("part number: got %q, want %q", s.PartNumber, tc.part)
			}
			if len(s.Plans) != tc.plans || s.Plans[0].Name != tc.planName {
				t.Errorf("plans: got %+v, want %d starting with %q", s.Plans, tc.plans, tc.planName)
			}
		})
	}
}

func TestParseCatalogErrors(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"empty", "", "catalogue header"},
		{"wrong header", "Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names\n", `column 1: got "Name", want "Product_Display_Name"`},
		{"no rows", catalogHeader + "\n", "catalogue has no rows"},
		{"bad GUID", catalogHeader + "\nA,B,efb87545-963c-4e0d-99df-69c6916d9eb0,D,efb87545-963c-4e0d-99df-69c6916d9eb0,F\nA,B,not-a-guid,D,efb87545-963c-4e0d-99df-69c6916d9eb0,F\n", `line 3: GUID: not a GUID: "not-a-guid"`},
		{"bad plan id", catalogHeader + "\nA,B,efb87545-963c-4e0d-99df-69c6916d9eb0,D,x,F\n", `line 2: Service_Plan_Id: not a GUID: "x"`},
		{"short row", catalogHeader + "\nA,B,C\n", "wrong number of fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := transform.ParseCatalog(strings.NewReader(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error: got %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestParseCatalogForms parses the whole embedded catalogue as stored
// (PowerShell's Export-Csv: LF, no BOM) and in the form Microsoft's own
// download takes (UTF-8 BOM, CRLF), made from the same bytes, and checks
// the traps in both.
func TestParseCatalogForms(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("catalog", "m365-licensing-service-plans.csv"))
	if err != nil {
		t.Fatal(err)
	}
	forms := []struct {
		name string
		data string
	}{
		{"LF without BOM", string(raw)},
		{"BOM and CRLF", "\ufeff" + strings.ReplaceAll(string(raw), "\n", "\r\n")},
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			c, err := transform.ParseCatalog(strings.NewReader(tc.data))
			if err != nil {
				t.Fatalf("ParseCatalog: %v", err)
			}
			checkCatalogTraps(t, c)
			// A part number the file follows with a tab.
			if got := len(c.ByPartNumber("RIGHTSMANAGEMENT_CE_GOV")); got != 1 {
				t.Errorf("ByPartNumber(RIGHTSMANAGEMENT_CE_GOV): got %d SKUs, want 1", got)
			}
		})
	}
}

// checkCatalogTraps checks the traps that both published copies share.
func checkCatalogTraps(t *testing.T, c *transform.SKUCatalog) {
	t.Helper()
	// GUID followed by a non-breaking space.
	if s, ok := c.ByID("420c7602-7f70-4895-9394-d3d679ea36fb"); !ok || s.PartNumber != "MCOCAP_FACULTY" {
		t.Errorf("MCOCAP_FACULTY by GUID: got %+v, %v", s.PartNumber, ok)
	}
	// A part number followed by a space.
	if got := len(c.ByPartNumber("AAD_PREMIUM_USGOV_GCCHIGH")); got != 1 {
		t.Errorf("ByPartNumber(AAD_PREMIUM_USGOV_GCCHIGH): got %d SKUs, want 1", got)
	}
	// A plan name with tabs inside (quoted in Microsoft's form).
	if s, ok := c.ByID("6a0f6da5-0b87-4190-a6ae-9bb5a2b9546a"); !ok || !hasPlan(s, "Virtualization Rights for Windows 10 (E3/E5+VDA)") {
		t.Errorf("WIN10_VDA_E3: plan names with collapsed tabs missing: %+v", s.Plans)
	}
	// One part number, two GUIDs: joined on the GUID.
	if got := len(c.ByPartNumber("MCOPSTN5")); got != 2 {
		t.Errorf("ByPartNumber(MCOPSTN5): got %d SKUs, want 2", got)
	}
	seen := map[string]bool{}
	for _, s := range c.SKUs {
		if seen[s.ID] {
			t.Errorf("SKU %s listed twice", s.ID)
		}
		seen[s.ID] = true
		plans := map[string]bool{}
		for _, p := range s.Plans {
			if plans[p.ID] {
				t.Errorf("SKU %s: plan %s listed twice (duplicate rows not merged)", s.PartNumber, p.ID)
			}
			plans[p.ID] = true
			if strings.ContainsAny(p.Name+p.FriendlyName+s.PartNumber+s.ProductName, "\t\r\n\u00a0\ufeff") {
				t.Errorf("SKU %s plan %s: white space left in %q", s.PartNumber, p.ID, p.Name)
			}
		}
	}
}

// TestEmbeddedCatalog pins the embedded copy to its provenance and checks
// its traps.
func TestEmbeddedCatalog(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("catalog", "m365-licensing-service-plans.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if got, want := hex.EncodeToString(sum[:]), "92318f43e1b7e650fab7c0773a46b325b71e306f5fd62379b8602619e85aeaa1"; got != want {
		t.Errorf("sha256: got %s, want %s (catalog/PROVENANCE.md)", got, want)
	}
	c, err := transform.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	checkCatalogTraps(t, c)
	if s, ok := c.ByID("05E9A617-0261-4CEE-BB44-138D3EF5D965"); !ok || s.PartNumber != "SPE_E3" || s.ProductName != "Microsoft 365 E3" {
		t.Errorf("SPE_E3: got %+v, %v", s, ok)
	}
}

func hasPlan(s transform.CatalogSKU, name string) bool {
	for _, p := range s.Plans {
		if p.Name == name {
			return true
		}
	}
	return false
}
