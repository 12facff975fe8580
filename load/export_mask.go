package load

import (
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"slices"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// maskFunction is the scalar function that applies ExportOptions.Mask
// inside DuckDB, so that COPY writes masked values without the rows
// passing through Go twice.
const maskFunction = "seatledger_export_mask"

// maskUDF is maskFunction: (column VARCHAR, value VARCHAR) -> VARCHAR;
// NULL stays NULL.
type maskUDF struct {
	mask map[string]func(string) string
}

func (m *maskUDF) Config() duckdb.ScalarFuncConfig {
	varchar, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		panic(err) // a primitive type always has a TypeInfo
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varchar, varchar}, ResultTypeInfo: varchar}
}

func (m *maskUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		col, _ := v[0].(string)
		val, _ := v[1].(string)
		f := m.mask[col]
		if f == nil {
			return nil, fmt.Errorf("no mask for column %q", col)
		}
		return f(val), nil
	}}
}

// registerMask registers maskFunction on conn.
func registerMask(conn *sql.Conn, mask map[string]func(string) string) error {
	return duckdb.RegisterScalarUDF(conn, maskFunction, &maskUDF{mask: mask})
}

// maskProbe is the value each mask function is fingerprinted with.
const maskProbe = "seatledger-export-mask-probe@example.invalid"

// maskFingerprint identifies a mask in the tenant manifests, so that an
// export with another mask (pseudonyms switched on or off, or another
// pseudonym key) rewrites every partition: "" without a mask, else a hash
// of the masked column names and what each function makes of a fixed probe
// value. The functions are opaque, so this is the only handle on them; a
// keyed pseudonymiser gives another output for the probe under another
// key. The hash of a pseudonym of a public constant reveals nothing about
// the key or about anyone.
func maskFingerprint(mask map[string]func(string) string) string {
	cols := make([]string, 0, len(mask))
	for c, f := range mask {
		if f != nil {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return ""
	}
	slices.Sort(cols)
	h := sha256.New()
	for _, c := range cols {
		fmt.Fprintf(h, "%s\x00%s\x00", c, mask[c](maskProbe))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}
