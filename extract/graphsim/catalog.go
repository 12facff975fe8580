package graphsim

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
)

// servicePlansCSV holds Microsoft's published service plans of the SKUs
// the simulator sells, copied row for row from
// shared/data/m365-licensing-service-plans.csv; see catalog/PROVENANCE.md.
//
//go:embed catalog/service-plans.csv
var servicePlansCSV []byte

// Workload bits, in the order of extract.Workloads.
const (
	wlExchange uint8 = 1 << iota
	wlOneDrive
	wlSharePoint
	wlSkype
	wlYammer
	wlTeams
)

// Indexes of the SKUs the simulated tenant has bought.
const (
	skuE3        = iota // SPE_E3
	skuE5               // SPE_E5
	skuO365E3           // ENTERPRISEPACK
	skuO365E1           // STANDARDPACK: subscription lapsed, Suspended
	skuExoP1            // EXCHANGESTANDARD
	skuExoP2            // EXCHANGEENTERPRISE: every seat taken
	skuPowerBI          // POWER_BI_PRO: no report workload
	skuVisio            // VISIOCLIENT: expired, in the Warning grace period
	skuProject          // PROJECTPROFESSIONAL: a trial
	skuFlowFree         // FLOW_FREE: free, viral
	skuTeamsExpl        // Microsoft_Teams_Exploratory_Dept: free
	skuCopilot          // Microsoft_365_Copilot: only with GenOptions.CopilotSeats
	numSKUs
)

var skuPartNumbers = [numSKUs]string{
	"SPE_E3", "SPE_E5", "ENTERPRISEPACK", "STANDARDPACK", "EXCHANGESTANDARD",
	"EXCHANGEENTERPRISE", "POWER_BI_PRO", "VISIOCLIENT", "PROJECTPROFESSIONAL",
	"FLOW_FREE", "Microsoft_Teams_Exploratory_Dept", "Microsoft_365_Copilot",
}

// plan is one service plan of a catalogue SKU.
type plan struct {
	id, name  string
	workloads uint8 // what the usage report credits the plan with
}

// catalogSKU is one SKU with its plans, as Microsoft publishes it.
type catalogSKU struct {
	id, partNumber, productName string
	plans                       []plan
}

var (
	catalogOnce sync.Once
	catalogSKUs [numSKUs]catalogSKU
)

// skuCatalog returns the parsed catalogue; the embedded file is part of the
// build, so a parse failure is a programming error.
func skuCatalog() *[numSKUs]catalogSKU {
	catalogOnce.Do(func() {
		if err := parseCatalog(servicePlansCSV, &catalogSKUs); err != nil {
			panic(fmt.Sprintf("graphsim: embedded catalog/service-plans.csv: %v", err))
		}
	})
	return &catalogSKUs
}

func parseCatalog(data []byte, out *[numSKUs]catalogSKU) error {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return err
	}
	index := map[string]int{}
	for i, p := range skuPartNumbers {
		index[p] = i
	}
	for n, row := range rows[1:] {
		if len(row) != 6 {
			return fmt.Errorf("line %d: got %d fields, want 6", n+2, len(row))
		}
		k, ok := index[row[1]]
		if !ok {
			return fmt.Errorf("line %d: unexpected String_Id %q", n+2, row[1])
		}
		s := &out[k]
		s.id, s.partNumber, s.productName = strings.ToLower(row[2]), row[1], row[0]
		s.plans = append(s.plans, plan{id: strings.ToLower(row[4]), name: row[3], workloads: planWorkloads(row[3])})
	}
	for k := range out {
		if out[k].id == "" {
			return fmt.Errorf("SKU %s: no rows", skuPartNumbers[k])
		}
	}
	return nil
}

// planWorkloads says which usage-report workloads a service plan licenses,
// by plan name (names are stable across Microsoft's versioned plan ids).
// EXCHANGE_S_FOUNDATION rides along with Power BI, Visio and Project and is
// no mailbox; Office for the web (SHAREPOINTWAC) is no site licence.
func planWorkloads(name string) uint8 {
	switch {
	case strings.HasPrefix(name, "EXCHANGE_S_FOUNDATION"), strings.HasPrefix(name, "EXCHANGE_S_ARCHIVE"):
		return 0
	case strings.HasPrefix(name, "EXCHANGE_S_"):
		return wlExchange
	case name == "SHAREPOINTWAC", name == "SHAREPOINT_PROJECT":
		return 0
	case strings.HasPrefix(name, "SHAREPOINT"):
		return wlSharePoint | wlOneDrive
	case strings.HasPrefix(name, "ONEDRIVE"):
		return wlOneDrive
	case name == "MCOSTANDARD":
		return wlSkype
	case name == "YAMMER_ENTERPRISE", name == "VIVAENGAGE_CORE":
		return wlYammer
	case name == "TEAMS1", name == "MCO_TEAMS_IW":
		return wlTeams
	}
	return 0
}

// planID returns the id of the named plan of SKU k, "" when absent.
func planID(k int, name string) string {
	for _, p := range skuCatalog()[k].plans {
		if p.name == name {
			return p.id
		}
	}
	return ""
}

// skuByID returns the index of the SKU with the given id (any case).
func skuByID(id string) (int, bool) {
	id = strings.ToLower(id)
	for k, s := range skuCatalog() {
		if s.id == id {
			return k, true
		}
	}
	return 0, false
}

// boughtSKU returns the index of the SKU with the given id (any case) when
// the tenant bought it: the Copilot SKU is in the catalogue of every
// tenant but a valid company licence only with GenOptions.CopilotSeats.
func (t *Tenant) boughtSKU(id string) (int, bool) {
	k, ok := skuByID(id)
	return k, ok && k < t.skus
}

// workloadsOf returns the workloads of SKU k with the given plans disabled.
func workloadsOf(k int, disabled []string) uint8 {
	var w uint8
	for _, p := range skuCatalog()[k].plans {
		if !containsFold(disabled, p.id) {
			w |= p.workloads
		}
	}
	return w
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
