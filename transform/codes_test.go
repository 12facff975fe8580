package transform_test

import (
	"io/fs"
	"strings"
	"testing"

	seatsql "github.com/seatledger/seatledger/sql"
	"github.com/seatledger/seatledger/transform"
)

// TestCodesInSQL: every exported reason, action and finding code is what
// the SQL writes, so the constants cannot drift from it.
func TestCodesInSQL(t *testing.T) {
	var all strings.Builder
	err := fs.WalkDir(seatsql.Transforms, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(seatsql.Transforms, path)
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sql := all.String()
	codes := append(append([]string{transform.ActionRemoveDirect, transform.ActionRemoveFromGroup,
		transform.SeverityCritical, transform.SeverityWarning}, transform.Reasons...), transform.Findings...)
	for _, c := range codes {
		t.Run(c, func(t *testing.T) {
			if !strings.Contains(sql, "'"+c+"'") {
				t.Errorf("SQL: got no '%s', want the code used", c)
			}
		})
	}
}
