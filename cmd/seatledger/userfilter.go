package main

import (
	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
)

// registerUserFilter adds to c the flags that select users by where they
// are, filling f: --usage-location, --domain and --ou (kinds combine with
// AND, the values of one kind with OR). reclaim plan and replace take
// them; a command that selects users the same way registers them here
// too, so that the flags read and mean the same everywhere.
func registerUserFilter(c *cobra.Command, f *reclaim.UserFilter) {
	fl := c.Flags()
	fl.StringSliceVar(&f.UsageLocations, "usage-location", nil,
		"only users whose usageLocation is one of these ISO 3166 codes, e.g. DE (case-insensitive; repeatable)")
	fl.StringSliceVar(&f.Domains, "domain", nil,
		"only users whose user principal name ends in @ one of these domains (exact, case-insensitive: contoso.com is not sales.contoso.com; repeatable)")
	fl.StringArrayVar(&f.OUs, "ou", nil,
		`only users in or below this on-premises OU, a DN such as OU=Sales,OU=Users,DC=contoso,DC=com: the user's `+
			`onPremisesDistinguishedName equals it or ends with ","+DN, compared RDN by RDN and case-insensitively `+
			`(OU=Sales does not take OU=PreSales); cloud-only users never match (repeat the flag for several OUs)`)
}
