package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ParamTable is a parameter or reference table written from config or
// curated data (prices, thresholds, exclusions, the SKU catalogue), as
// rows, so that no value is ever spliced into SQL text.
type ParamTable struct {
	Name    string // param_… or ref_…
	Columns []Column
	// Rows hold Go values matching the column types: string, bool, int64
	// (or another integer), float64, time.Time, []string for VARCHAR[],
	// nil for NULL. DECIMAL columns take float64, integers or decimal
	// strings such as "12.50".
	Rows [][]any
}

// Column is one column of a ParamTable.
type Column struct {
	Name string
	Type string // a DuckDB type, e.g. VARCHAR, DATE, DECIMAL(18,4), VARCHAR[]
}

var (
	paramNameRE = regexp.MustCompile(`^(param|ref)_[a-z][a-z0-9_]*$`)
	columnRE    = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	// typeRE admits DuckDB type names with numeric modifiers and list
	// suffixes, and nothing that could end a statement.
	typeRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_ ]*(\([0-9]+(, ?[0-9]+)?\))?(\[\])*$`)
	decimalRE = regexp.MustCompile(`^(?i)(DECIMAL|NUMERIC)\b`)
)

// ReplaceParams creates or replaces every table of tables and fills it,
// all in one transaction: either every table is the new one or none is.
func (w *Warehouse) ReplaceParams(ctx context.Context, tables []ParamTable) error {
	if err := checkParams(tables); err != nil {
		return err
	}
	return w.inTx(ctx, func(conn *sql.Conn) error {
		for _, t := range tables {
			if err := replaceParam(ctx, conn, t); err != nil {
				return fmt.Errorf("param table %s: %w", t.Name, err)
			}
		}
		return nil
	})
}

func checkParams(tables []ParamTable) error {
	seen := map[string]bool{}
	var errs []error
	for i, t := range tables {
		if !paramNameRE.MatchString(t.Name) {
			errs = append(errs, fmt.Errorf("param tables[%d]: name %q: want param_<name> or ref_<name> in lower case", i, t.Name))
			continue
		}
		if seen[t.Name] {
			errs = append(errs, fmt.Errorf("param table %s: given twice", t.Name))
		}
		seen[t.Name] = true
		errs = append(errs, checkColumns(t)...)
		for r, row := range t.Rows {
			if len(row) != len(t.Columns) {
				errs = append(errs, fmt.Errorf("param table %s row %d: %d values, want %d", t.Name, r, len(row), len(t.Columns)))
			}
		}
	}
	return errors.Join(errs...)
}

func checkColumns(t ParamTable) []error {
	if len(t.Columns) == 0 {
		return []error{fmt.Errorf("param table %s: no columns", t.Name)}
	}
	var errs []error
	seen := map[string]bool{}
	for _, c := range t.Columns {
		switch {
		case !columnRE.MatchString(c.Name):
			errs = append(errs, fmt.Errorf("param table %s column %q: want a lower-case SQL name", t.Name, c.Name))
		case seen[c.Name]:
			errs = append(errs, fmt.Errorf("param table %s column %s: given twice", t.Name, c.Name))
		case !typeRE.MatchString(c.Type):
			errs = append(errs, fmt.Errorf("param table %s column %s: type %q is not a DuckDB type", t.Name, c.Name, c.Type))
		}
		seen[c.Name] = true
	}
	return errs
}

// replaceParam creates t and appends its rows. go-duckdb's appender
// writes a float64 into a DECIMAL column as the raw scaled integer (12.5
// becomes 0.0012 in DECIMAL(18,4)), so tables with DECIMAL columns are
// appended to a staging table that has VARCHAR there, and DuckDB casts.
func replaceParam(ctx context.Context, conn *sql.Conn, t ParamTable) error {
	defs := make([]string, len(t.Columns))
	stage := make([]string, len(t.Columns))
	var decimals []int
	for i, c := range t.Columns {
		defs[i] = c.Name + " " + c.Type
		stage[i] = defs[i]
		if decimalRE.MatchString(c.Type) {
			stage[i] = c.Name + " VARCHAR"
			decimals = append(decimals, i)
		}
	}
	create := "CREATE OR REPLACE TABLE " + t.Name + " (" + strings.Join(defs, ", ") + ")"
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if len(decimals) == 0 {
		return appendRows(conn, t.Name, t.Rows)
	}
	st := "stage_" + t.Name
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+st+" ("+strings.Join(stage, ", ")+")"); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	rows, err := decimalsAsText(t, decimals)
	if err != nil {
		return err
	}
	if err := appendRows(conn, st, rows); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO "+t.Name+" SELECT * FROM "+st); err != nil {
		return fmt.Errorf("copy from staging table: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "DROP TABLE "+st); err != nil {
		return fmt.Errorf("drop staging table: %w", err)
	}
	return nil
}

func decimalsAsText(t ParamTable, cols []int) ([][]any, error) {
	out := make([][]any, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = append([]any(nil), row...)
		for _, c := range cols {
			v, err := decimalText(row[c])
			if err != nil {
				return nil, fmt.Errorf("row %d column %s: %w", r, t.Columns[c].Name, err)
			}
			out[r][c] = v
		}
	}
	return out, nil
}

func decimalText(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	}
	return nil, fmt.Errorf("%T is not a decimal value", v)
}

func appendRows(conn *sql.Conn, table string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppenderFromConn(c, "", table)
		if err != nil {
			return fmt.Errorf("create appender: %w", err)
		}
		vals := make([]driver.Value, 0, 8)
		for r, row := range rows {
			vals = vals[:0]
			for _, v := range row {
				vals = append(vals, v)
			}
			if err := a.AppendRow(vals...); err != nil {
				_ = a.Clear()
				_ = a.Close()
				return fmt.Errorf("row %d: %w", r, err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		return nil
	})
}

// inTx runs f on a dedicated connection inside one transaction, committing
// when f succeeds and rolling back otherwise. A dedicated connection
// (rather than sql.Tx) lets f use the Appender, which needs the raw driver
// connection.
func (w *Warehouse) inTx(ctx context.Context, f func(*sql.Conn) error) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		discard(conn)
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(conn); err != nil {
		if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
			discard(conn)
			return errors.Join(err, fmt.Errorf("roll back: %w", rerr))
		}
		conn.Close()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		discard(conn)
		return fmt.Errorf("commit: %w", err)
	}
	return conn.Close()
}
