package transform

import "strings"

// fixedPlans are service plans that cannot be switched off in a licence:
// Graph refuses a disabledPlans list naming them. Exchange Foundation
// carries the mailbox plumbing of every suite that has Exchange (and of
// many that do not). Keyed by lower-case service plan id, valued by the
// catalogue's plan name. The list is curated; add a plan here when Graph
// is seen refusing it.
var fixedPlans = map[string]string{
	"113feb6c-3fe4-4440-bddc-54d774bf0318": "EXCHANGE_S_FOUNDATION",
	"922ba911-5694-4e99-a794-73aed9bfeec8": "EXCHANGE_S_FOUNDATION_GOV",
}

// FixedPlan reports whether the service plan (by id or name, any case)
// cannot be switched off, and its name.
func FixedPlan(plan string) (name string, fixed bool) {
	plan = strings.TrimSpace(plan)
	if name, fixed = fixedPlans[strings.ToLower(plan)]; fixed {
		return name, true
	}
	for _, n := range fixedPlans {
		if strings.EqualFold(n, plan) {
			return n, true
		}
	}
	return "", false
}
