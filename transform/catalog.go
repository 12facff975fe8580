package transform

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
)

// catalogCSV is Microsoft's product and service-plan catalogue; see
// catalog/PROVENANCE.md.
//
//go:embed catalog/m365-licensing-service-plans.csv
var catalogCSV []byte

// CatalogPlan is one service plan of a catalogue SKU.
type CatalogPlan struct {
	ID, Name, FriendlyName string
}

// CatalogSKU is one product of the catalogue, keyed by its GUID. Part
// numbers are not unique (MCOPSTN5 has two GUIDs): join on the GUID.
type CatalogSKU struct {
	ID, PartNumber, ProductName string
	Plans                       []CatalogPlan
}

// SKUCatalog is the parsed catalogue.
type SKUCatalog struct {
	SKUs   []CatalogSKU // in file order
	byID   map[string]int
	byPart map[string][]int
}

// ByID returns the SKU with the given GUID (any case).
func (c *SKUCatalog) ByID(id string) (CatalogSKU, bool) {
	i, ok := c.byID[strings.ToLower(id)]
	if !ok {
		return CatalogSKU{}, false
	}
	return c.SKUs[i], true
}

// ByPartNumber returns every SKU with the part number.
func (c *SKUCatalog) ByPartNumber(part string) []CatalogSKU {
	var out []CatalogSKU
	for _, i := range c.byPart[part] {
		out = append(out, c.SKUs[i])
	}
	return out
}

// Catalog parses the embedded catalogue.
func Catalog() (*SKUCatalog, error) {
	return ParseCatalog(bytes.NewReader(catalogCSV))
}

var catalogHeader = []string{"Product_Display_Name", "String_Id", "GUID", "Service_Plan_Name", "Service_Plan_Id", "Service_Plans_Included_Friendly_Names"}

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ParseCatalog reads Microsoft's catalogue CSV, handling its traps: a UTF-8
// BOM, CRLF line endings, non-breaking spaces inside GUIDs, trailing spaces
// and tabs, and duplicate rows. A malformed row is an error naming its line.
func ParseCatalog(r io.Reader) (*SKUCatalog, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(catalogHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("catalogue header: %w", err)
	}
	for i, h := range head {
		if clean(h) != catalogHeader[i] {
			return nil, fmt.Errorf("catalogue header column %d: got %q, want %q", i+1, clean(h), catalogHeader[i])
		}
	}
	c := &SKUCatalog{byID: map[string]int{}, byPart: map[string][]int{}}
	seen := map[[2]string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("catalogue: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := c.add(rec, seen); err != nil {
			return nil, fmt.Errorf("catalogue line %d: %w", line, err)
		}
	}
	if len(c.SKUs) == 0 {
		return nil, errors.New("catalogue has no rows")
	}
	return c, nil
}

func (c *SKUCatalog) add(rec []string, seen map[[2]string]bool) error {
	for i := range rec {
		rec[i] = clean(rec[i])
	}
	skuID, planID := guid(rec[2]), guid(rec[4])
	if !guidRE.MatchString(skuID) {
		return fmt.Errorf("GUID: not a GUID: %q", rec[2])
	}
	if !guidRE.MatchString(planID) {
		return fmt.Errorf("Service_Plan_Id: not a GUID: %q", rec[4])
	}
	if seen[[2]string{skuID, planID}] {
		return nil // duplicate row
	}
	seen[[2]string{skuID, planID}] = true
	i, ok := c.byID[skuID]
	if !ok {
		i = len(c.SKUs)
		c.byID[skuID] = i
		c.byPart[rec[1]] = append(c.byPart[rec[1]], i)
		c.SKUs = append(c.SKUs, CatalogSKU{ID: skuID, PartNumber: rec[1], ProductName: rec[0]})
	}
	c.SKUs[i].Plans = append(c.SKUs[i].Plans, CatalogPlan{ID: planID, Name: rec[3], FriendlyName: rec[5]})
	return nil
}

// space reports the runes the catalogue hides around and inside its
// values: white space (tabs included), the non-breaking space U+00A0 and
// the byte-order mark U+FEFF.
func space(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\ufeff' }

// clean strips a BOM and surrounding white space and collapses inner runs
// of it ("Virtualization \tRights \tfor ...") to one space.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, space), " ")
}

// guid normalises a GUID: lower case, without any white space inside.
func guid(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if space(r) {
			return -1
		}
		return r
	}, s))
}
