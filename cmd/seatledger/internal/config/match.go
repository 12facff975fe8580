package config

import (
	"path"
	"strings"
	"time"
)

func validGlob(p string) bool {
	_, err := path.Match(strings.ToLower(p), "")
	return err == nil
}

// MatchUPN reports whether the exclusion's upn glob matches upn,
// ignoring case. It is false for exclusions without a upn or with a bad
// glob (Validate rejects those).
func (e Exclusion) MatchUPN(upn string) bool {
	if e.UPN == "" {
		return false
	}
	ok, err := path.Match(strings.ToLower(e.UPN), strings.ToLower(upn))
	return err == nil && ok
}

// ActiveOn reports whether the exclusion still applies on day asOf: it has
// no until date, or until is asOf or later.
func (e Exclusion) ActiveOn(asOf time.Time) bool {
	if e.Until == nil || e.Until.IsZero() {
		return true
	}
	return !asOf.UTC().Truncate(24 * time.Hour).After(e.Until.Time())
}

// ActiveOn reports whether the price applies on day asOf: Effective <=
// asOf <= Expires, both inclusive, no Expires meaning open-ended.
func (pr Price) ActiveOn(asOf time.Time) bool {
	day := asOf.UTC().Truncate(24 * time.Hour)
	if day.Before(pr.Effective.Time()) {
		return false
	}
	return pr.Expires == nil || pr.Expires.IsZero() || !day.After(pr.Expires.Time())
}
