package load

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// tenantManifest is Export's bookkeeping for one tenant, at
// <export>/_seatledger/tenant=<name>.json. One file per tenant, because
// several warehouses (each with its own tenants) may export into one
// directory: each writes only its tenants' files and none can clobber
// another's. It says with what settings the tenant was exported and, per
// relation, which partitions are there and from which snapshot commit.
type tenantManifest struct {
	Tenant string `json:"tenant"`
	exportSettings
	UpdatedAt time.Time                    `json:"updated_at"`
	Relations map[string]*relationManifest `json:"relations"`

	raw []byte // the file as read, to write it back only when changed
}

// exportSettings are what every partition of a tenant was written with;
// when any of them changes the whole tenant is rewritten.
type exportSettings struct {
	SchemaVersion int    `json:"schema_version"`
	Format        string `json:"format"`
	Mask          string `json:"mask"` // maskFingerprint; "" for none
}

// relationManifest is one relation of a tenant: the fingerprint of its
// column names and types (a changed relation, such as DOUBLE amounts
// becoming DECIMAL, is rewritten like a changed schema version) and its
// partitions by snapshot date.
type relationManifest struct {
	Columns    string                    `json:"columns"`
	Partitions map[string]partitionEntry `json:"partitions"`
}

// partitionEntry is the computation of the snapshot's marts a partition
// was written from: snapshot_facts.computed_by and computed_at change
// exactly when they are computed again (the snapshot re-run, rebuilt or
// upgraded). (Manifests before every partition had a file, even without
// rows, said "empty": true for a partition left out; it is ignored, and
// such a partition written, being absent from disk.)
type partitionEntry struct {
	ComputedBy string    `json:"computed_by"`
	ComputedAt time.Time `json:"computed_at"`
}

func (p partitionEntry) from(s exportSnapshot) bool {
	return p.ComputedBy == s.computedBy && p.ComputedAt.Equal(s.computedAt)
}

func tenantManifestPath(dir, tenant string) string {
	return filepath.Join(dir, ExportStateDir, "tenant="+tenant+".json")
}

// readTenantManifest reads a tenant's manifest: nil and no error when
// there is none.
func readTenantManifest(dir, tenant string) (*tenantManifest, error) {
	b, err := os.ReadFile(tenantManifestPath(dir, tenant))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := &tenantManifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, err
	}
	if m.Tenant != tenant {
		return nil, fmt.Errorf("manifest names tenant %q", m.Tenant)
	}
	if m.Relations == nil {
		m.Relations = map[string]*relationManifest{}
	}
	m.raw = b
	return m, nil
}

// save writes the manifest when its content differs from the file read,
// stamping UpdatedAt with now; an unchanged export writes nothing.
func (m *tenantManifest) save(dir string, now time.Time) error {
	b, err := m.marshal()
	if err != nil {
		return err
	}
	if bytes.Equal(b, m.raw) {
		return nil
	}
	m.UpdatedAt = now.UTC()
	if b, err = m.marshal(); err != nil {
		return err
	}
	if err := writeFileAtomic(tenantManifestPath(dir, m.Tenant), b); err != nil {
		return fmt.Errorf("write tenant manifest: %w", err)
	}
	m.raw = b
	return nil
}

func (m *tenantManifest) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("tenant manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// columnsFingerprint hashes the column names and DuckDB types of query's
// result.
func columnsFingerprint(rows *sql.Rows) (string, []string, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return "", nil, err
	}
	h := sha256.New()
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name()
		fmt.Fprintf(h, "%s\x00%s\x00", t.Name(), t.DatabaseTypeName())
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32], names, nil
}
