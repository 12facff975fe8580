package load

import (
	"strings"
	"testing"
	"testing/fstest"

	seatsql "github.com/seatledger/seatledger/sql"
)

func TestReadMigrations(t *testing.T) {
	sqlFile := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // error substring; "" for success
	}{
		{"ordered", fstest.MapFS{"s/0002_b.sql": sqlFile, "s/0001_a.sql": sqlFile}, ""},
		{"bad name", fstest.MapFS{"s/1_a.sql": sqlFile}, "migration s/1_a.sql: name must look like 0001_name.sql"},
		{"not sql", fstest.MapFS{"s/0001_a.txt": sqlFile}, "s/0001_a.txt"},
		{"zero", fstest.MapFS{"s/0000_a.sql": sqlFile}, "start at 0001"},
		{"duplicate", fstest.MapFS{"s/0001_a.sql": sqlFile, "s/0001_b.sql": sqlFile}, "already used by 0001_a.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := readMigrations(tt.files, "s")
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, want an error containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 2 || ms[0].name != "0001_a" || ms[1].version != 2 {
				t.Errorf("got %+v, want 0001_a then version 2", ms)
			}
		})
	}
}

// TestEmbeddedSchema checks that the shipped migrations parse and create
// every table that has an appender column list (TestAppendRoundTrip and
// TestAppendSignalsRoundTrip append to each, which checks the columns),
// and the versions and nightly tables of every raw relation.
func TestEmbeddedSchema(t *testing.T) {
	ms, err := readMigrations(seatsql.Schema, "schema")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("got %d migrations, want 0001 first", len(ms))
	}
	var all strings.Builder
	for _, m := range ms {
		all.WriteString(m.body)
	}
	created := func(table string) bool {
		return strings.Contains(all.String(), "CREATE TABLE "+table+" (") ||
			strings.Contains(all.String(), "CREATE TABLE IF NOT EXISTS "+table+" (")
	}
	raw := map[string]versioned{}
	for _, v := range rawRelations {
		raw[v.name] = v
		if _, ok := tableColumns[v.name]; !ok {
			t.Errorf("raw relation %s: no appender column list", v.name)
		}
		for _, table := range []string{v.versions, v.nightly} {
			if table != "" && !created(table) {
				t.Errorf("table %s: created by no migration", table)
			}
		}
	}
	for table := range tableColumns {
		// A raw relation first created as versions never had a table of
		// its own name: the snapshot stages it (stageRaw).
		if _, ok := raw[table]; !ok && !created(table) {
			t.Errorf("table %s: created by no migration", table)
		}
	}
}
