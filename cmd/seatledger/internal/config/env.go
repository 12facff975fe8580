package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix starts every override variable.
const EnvPrefix = "SEATLEDGER_"

var (
	durationType = reflect.TypeFor[time.Duration]()
	dateType     = reflect.TypeFor[Date]()
)

// ApplyEnv overrides scalar values from environment variables read through
// env. A variable's name is EnvPrefix plus the YAML path upper-cased and
// joined with '_': SEATLEDGER_WAREHOUSE_PATH,
// SEATLEDGER_WAREHOUSE_RETENTION_DAYS, SEATLEDGER_SCHEDULE_CRON,
// SEATLEDGER_SERVE_LISTEN, SEATLEDGER_REPORTS_DIR, SEATLEDGER_PRICING_CURRENCY,
// and per tenant SEATLEDGER_TENANTS_<NAME>_TENANT_ID,
// SEATLEDGER_TENANTS_<NAME>_AUTH_CLIENT_ID, ... where NAME is the tenant's
// name upper-cased with '-' turned into '_'. String lists
// (SEATLEDGER_RULES_IGNORE_SKUS) are comma-separated. Maps and lists of
// sections (fx, exclusions, prices) and tenant names cannot be overridden.
// An empty or unset variable changes nothing. Every bad value is reported,
// naming the variable.
func (c *Config) ApplyEnv(env func(string) string) error {
	var errs []error
	walkEnv(reflect.ValueOf(c).Elem(), EnvPrefix, func(name string, v reflect.Value) {
		s := env(name)
		if s == "" {
			return
		}
		if err := setScalar(v, s); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	})
	return errors.Join(errs...)
}

// EnvNames lists every override variable ApplyEnv consults for c, in
// file order.
func (c *Config) EnvNames() []string {
	var names []string
	walkEnv(reflect.ValueOf(c).Elem(), EnvPrefix, func(name string, _ reflect.Value) {
		names = append(names, name)
	})
	return names
}

// TenantEnvName returns the NAME part of a tenant's override variables.
func TenantEnvName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func walkEnv(v reflect.Value, prefix string, visit func(string, reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		name := prefix + strings.ToUpper(key)
		fv := v.Field(i)
		switch {
		case f.Type == reflect.TypeFor[[]Tenant]():
			for j := range fv.Len() {
				tv := fv.Index(j)
				walkEnv(tv, name+"_"+TenantEnvName(tv.FieldByName("Name").String())+"_", visit)
			}
		case t == reflect.TypeFor[Tenant]() && key == "name":
			continue
		case f.Type.Kind() == reflect.Struct && f.Type != dateType:
			walkEnv(fv, name+"_", visit)
		case isScalar(f.Type):
			visit(name, fv)
		}
	}
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	case reflect.Pointer:
		return t.Elem() == dateType
	}
	return t == dateType
}

func setScalar(v reflect.Value, s string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("must be a duration such as 30m, got %q", s)
		}
		v.SetInt(int64(d))
	case v.Type() == dateType || v.Type() == reflect.PointerTo(dateType):
		d, err := ParseDate(s)
		if err != nil {
			return err
		}
		if v.Kind() == reflect.Pointer {
			v.Set(reflect.ValueOf(&d))
		} else {
			v.Set(reflect.ValueOf(d))
		}
	default:
		return setBasic(v, s)
	}
	return nil
}

func setBasic(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("must be true or false, got %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("must be an integer, got %q", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("must be a number, got %q", s)
		}
		v.SetFloat(f)
	case reflect.Slice:
		var items []string
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
		v.Set(reflect.ValueOf(items))
	}
	return nil
}
