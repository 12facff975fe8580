package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// GroupMembers is what a tenant's latest snapshot knows of one licence
// group's members: the users whose licenceAssignmentStates name the group
// as assigning any SKU. Members of a group that gives them nothing are not
// in the snapshot, so this is an estimate, from below.
type GroupMembers struct {
	GroupID string // lower-case object id
	// Known is how many members the snapshot knows.
	Known int64
	// Without are the known members that do not hold the SKU asked about
	// (object ids, in order): each would newly consume a unit of it.
	Without []string
}

// LatestGroupMembers reads, from tenant's latest snapshot, the known
// members of each group of groupIDs and which of them lack skuID; one
// entry per group asked, in order (Known 0 for a group the snapshot does
// not know).
func (w *Warehouse) LatestGroupMembers(ctx context.Context, tenant, skuID string, groupIDs []string) ([]GroupMembers, error) {
	const query = `WITH latest AS (SELECT tenant, snapshot_date FROM stg_snapshots WHERE is_latest AND tenant = ?),
		members AS (
			SELECT DISTINCT lower(a.assigned_by_group) AS group_id, a.user_id
			FROM raw_license_assignment_states a JOIN latest USING (tenant, snapshot_date)
			WHERE lower(a.assigned_by_group) IN (SELECT lower(unnest(from_json(?, '["VARCHAR"]'))))),
		holders AS (
			SELECT DISTINCT l.user_id FROM raw_user_licenses l JOIN latest USING (tenant, snapshot_date)
			WHERE lower(l.sku_id) = lower(?))
		SELECT m.group_id, count(*), list(m.user_id ORDER BY m.user_id) FILTER (WHERE h.user_id IS NULL)
		FROM members m LEFT JOIN holders h USING (user_id)
		GROUP BY m.group_id`
	found := map[string]GroupMembers{}
	err := w.readRows(ctx, query, []any{tenant, jsonList(groupIDs), skuID}, func(rows *sql.Rows) error {
		var g sql.NullString
		var n int64
		var without any
		if err := rows.Scan(&g, &n, &without); err != nil {
			return err
		}
		found[g.String] = GroupMembers{GroupID: g.String, Known: n, Without: stringList(without)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the members of groups of tenant %s: %w", tenant, err)
	}
	out := make([]GroupMembers, len(groupIDs))
	for i, id := range groupIDs {
		id = strings.ToLower(id)
		out[i] = found[id]
		out[i].GroupID = id
	}
	return out, nil
}
