package config

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// Problem is one validation failure at a dotted path such as
// tenants[1].tenant_id.
type Problem struct {
	Path string
	Msg  string
}

// Error returns "path: message".
func (p Problem) Error() string { return p.Path + ": " + p.Msg }

// ValidationErrors is every problem Validate found, in file order. Error
// prints one per line.
type ValidationErrors []Problem

// Error prints one problem per line.
func (v ValidationErrors) Error() string {
	lines := make([]string, len(v))
	for i, p := range v {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

type checker struct {
	errs ValidationErrors
}

func (c *checker) add(path, format string, args ...any) {
	c.errs = append(c.errs, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// CronParser is the parser the scheduler must use: five fields, descriptors
// (@daily) and a CRON_TZ= prefix.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s is a GUID in 8-4-4-4-12 hex form.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// Validate checks the whole configuration and returns a ValidationErrors
// with every problem, or nil. Call it after Defaults.
func (c *Config) Validate() error {
	var ck checker
	c.Warehouse.validate(&ck)
	c.Run.validate(&ck)
	c.Schedule.validate(&ck)
	c.Serve.validate(&ck)
	c.Reports.validate(&ck)
	validateTenants(&ck, c.Tenants)
	c.Rules.validate(&ck)
	c.Pricing.validate(&ck)
	if len(ck.errs) == 0 {
		return nil
	}
	return ck.errs
}

func (w Warehouse) validate(ck *checker) {
	if w.Path == "" {
		ck.add("warehouse.path", "required")
	}
	if w.RetentionDays < 0 {
		ck.add("warehouse.retention_days", "must be >= 0 (0 keeps forever), got %d", w.RetentionDays)
	}
	if w.MemoryLimit != "" && !memoryLimitRE.MatchString(w.MemoryLimit) {
		ck.add("warehouse.memory_limit", "must be a size such as 512MB or 2GB, got %q", w.MemoryLimit)
	}
	if w.Threads < 0 {
		ck.add("warehouse.threads", "must be >= 0 (0: one per CPU), got %d", w.Threads)
	}
}

// memoryLimitRE is DuckDB's memory_limit syntax as load accepts it.
var memoryLimitRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*([KMGT]i?)?B$`)

func (r Run) validate(ck *checker) {
	if r.Concurrency < 1 || r.Concurrency > 64 {
		ck.add("run.concurrency", "must be 1 to 64 tenants at once, got %d", r.Concurrency)
	}
}

func (s Schedule) validate(ck *checker) {
	if _, err := CronParser.Parse(s.Cron); err != nil {
		ck.add("schedule.cron", "invalid cron expression %q: %v", s.Cron, err)
	}
	if s.Jitter < 0 {
		ck.add("schedule.jitter", "must be >= 0, got %s", s.Jitter)
	}
}

func (s Serve) validate(ck *checker) {
	_, port, err := net.SplitHostPort(s.Listen)
	if err != nil {
		ck.add("serve.listen", "must be host:port, got %q", s.Listen)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ck.add("serve.listen", "port must be a number 0-65535, got %q", s.Listen)
	}
}

func (r Reports) validate(ck *checker) {
	if r.Dir == "" {
		ck.add("reports.dir", "required")
	}
	if r.Keep < 0 {
		ck.add("reports.keep", "must be >= 0 (0 keeps all), got %d", r.Keep)
	}
	switch {
	case r.PseudonymKeyEnv != "" && r.PseudonymKeyFile != "":
		ck.add("reports.pseudonym_key_env", "set only one of pseudonym_key_env and pseudonym_key_file")
	case r.Pseudonymize && r.PseudonymKeyEnv == "" && r.PseudonymKeyFile == "":
		ck.add("reports.pseudonym_key_env", "required when reports.pseudonymize is true (or pseudonym_key_file): the key of the pseudonyms")
	}
}

func (r Rules) validate(ck *checker) {
	if r.InactivityDays < 1 {
		ck.add("rules.inactivity_days", "must be >= 1, got %d", r.InactivityDays)
	}
	if r.GraceDays < 0 {
		ck.add("rules.grace_days", "must be >= 0, got %d", r.GraceDays)
	}
	for i, e := range r.Exclusions {
		e.validate(ck, fmt.Sprintf("rules.exclusions[%d]", i))
	}
	seen := map[string]int{}
	for i, s := range r.IgnoreSKUs {
		p := fmt.Sprintf("rules.ignore_skus[%d]", i)
		if strings.TrimSpace(s) == "" {
			ck.add(p, "must not be empty")
			continue
		}
		if j, ok := seen[s]; ok {
			ck.add(p, "duplicate of rules.ignore_skus[%d], got %q", j, s)
			continue
		}
		seen[s] = i
	}
}

func (e Exclusion) validate(ck *checker, p string) {
	var set []string
	for _, kv := range [][2]string{{"upn", e.UPN}, {"group_id", e.GroupID}, {"department", e.Department}, {"sku", e.SKU}} {
		if kv[1] != "" {
			set = append(set, kv[0])
		}
	}
	switch len(set) {
	case 0:
		ck.add(p, "needs exactly one of upn, group_id, department, sku; got none")
	case 1:
	default:
		ck.add(p, "needs exactly one of upn, group_id, department, sku; got %d (%s)", len(set), strings.Join(set, ", "))
	}
	if e.UPN != "" && !validGlob(e.UPN) {
		ck.add(p+".upn", "invalid glob %q: syntax error in pattern", e.UPN)
	}
	if e.GroupID != "" && !IsGUID(e.GroupID) {
		ck.add(p+".group_id", "must be a GUID, got %q", e.GroupID)
	}
	if strings.TrimSpace(e.Reason) == "" {
		ck.add(p+".reason", "required")
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
