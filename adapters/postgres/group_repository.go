package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

// GroupRepository stores contact groups in the groups table and their
// members in group_members.
type GroupRepository struct {
	db *gorm.DB
}

var _ ports.GroupRepository = (*GroupRepository)(nil)

// NewGroupRepository returns a GroupRepository over db (a connection pool or
// a transaction).
func NewGroupRepository(db *gorm.DB) *GroupRepository {
	return &GroupRepository{db: db}
}

type groupRow struct {
	ID          uuid.UUID `gorm:"column:id;primaryKey"`
	Name        string    `gorm:"column:name"`
	Description string    `gorm:"column:description"`
	CreatedAt   time.Time `gorm:"column:created_at"`
	UpdatedAt   time.Time `gorm:"column:updated_at"`
}

func (groupRow) TableName() string { return "groups" }

func toGroupRow(g *group.Group) groupRow {
	return groupRow{ID: g.ID(), Name: g.Name(), Description: g.Description(), CreatedAt: timestamp(g.CreatedAt()), UpdatedAt: timestamp(g.UpdatedAt())}
}

func (r groupRow) toDomain() (*group.Group, error) {
	g, err := group.UnmarshalFromDatabase(r.ID, r.Name, r.Description, r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return nil, errCorrupt("group", r.ID, err)
	}
	return g, nil
}

// Get returns the group with id, or group.ErrNotFound.
func (r *GroupRepository) Get(ctx context.Context, id uuid.UUID) (*group.Group, error) {
	var row groupRow
	err := r.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return nil, group.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get group %s: %w", id, err)
	}
	return row.toDomain()
}

// List returns every group with its member count, by name (case aside).
func (r *GroupRepository) List(ctx context.Context) ([]ports.GroupSummary, error) {
	var rows []struct {
		ID          uuid.UUID
		Name        string
		Description string
		CreatedAt   time.Time
		UpdatedAt   time.Time
		Members     int
	}
	err := r.db.WithContext(ctx).Raw(`
SELECT g.*, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members
FROM groups g ORDER BY lower(g.name), g.id`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	out := make([]ports.GroupSummary, 0, len(rows))
	for _, row := range rows {
		g, err := groupRow{ID: row.ID, Name: row.Name, Description: row.Description, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}.toDomain()
		if err != nil {
			return nil, err
		}
		out = append(out, ports.GroupSummary{Group: g, Members: row.Members})
	}
	return out, nil
}

// Save inserts g or updates its name and description; a name another group
// has is group.ErrNameTaken.
func (r *GroupRepository) Save(ctx context.Context, g *group.Group) error {
	row := toGroupRow(g)
	err := r.db.WithContext(ctx).Exec(`
INSERT INTO groups (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, updated_at = EXCLUDED.updated_at`,
		row.ID, row.Name, row.Description, row.CreatedAt, row.UpdatedAt).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return group.ErrNameTaken.New(g.Name())
	}
	if err != nil {
		return fmt.Errorf("save group %s: %w", g.ID(), err)
	}
	return nil
}

// Delete removes the group; its memberships go with it.
func (r *GroupRepository) Delete(ctx context.Context, id uuid.UUID) error {
	res := r.db.WithContext(ctx).Exec("DELETE FROM groups WHERE id = ?", id)
	if res.Error != nil {
		return fmt.Errorf("delete group %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return group.ErrNotFound.New(id)
	}
	return nil
}

// Ensure inserts the groups whose names are free (a concurrent insert of the
// same name is passed over, not an error) and reads back the group holding
// each name.
func (r *GroupRepository) Ensure(ctx context.Context, groups ...*group.Group) (map[string]*group.Group, error) {
	out := make(map[string]*group.Group, len(groups))
	if len(groups) == 0 {
		return out, nil
	}
	n := len(groups)
	ids, names, descs, times := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, g := range groups {
		ids[i], names[i], descs[i], times[i] = g.ID().String(), g.Name(), g.Description(), timestampText(g.CreatedAt())
	}
	err := r.db.WithContext(ctx).Exec(`
INSERT INTO groups (id, name, description, created_at, updated_at)
SELECT id, name, description, at, at
FROM unnest(?::text[]::uuid[], ?::text[], ?::text[], ?::text[]::timestamptz[]) AS x(id, name, description, at)
ORDER BY lower(name)
ON CONFLICT DO NOTHING`, textArray(ids), textArray(names), textArray(descs), textArray(times)).Error
	if err != nil {
		return nil, fmt.Errorf("ensure %d groups: %w", n, err)
	}
	var rows []struct {
		ID          uuid.UUID
		Name        string
		Description string
		CreatedAt   time.Time
		UpdatedAt   time.Time
		Requested   string
	}
	err = r.db.WithContext(ctx).Raw(`
SELECT x.requested, g.* FROM unnest(?::text[]) AS x(requested) JOIN groups g ON lower(g.name) = lower(x.requested)`,
		textArray(names)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read ensured groups: %w", err)
	}
	for _, row := range rows {
		g, err := groupRow{ID: row.ID, Name: row.Name, Description: row.Description, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}.toDomain()
		if err != nil {
			return nil, err
		}
		out[group.Key(row.Requested)] = g
	}
	return out, nil
}

// exists reports group.ErrNotFound for an unknown group.
func (r *GroupRepository) exists(ctx context.Context, id uuid.UUID) error {
	var n int64
	if err := r.db.WithContext(ctx).Model(&groupRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("find group %s: %w", id, err)
	}
	if n == 0 {
		return group.ErrNotFound.New(id)
	}
	return nil
}

// AddMembers inserts the memberships that are missing, in customer id order
// (as every lock here is taken), skipping unknown customers.
func (r *GroupRepository) AddMembers(ctx context.Context, groupID uuid.UUID, customerIDs []uuid.UUID) (int, error) {
	if err := r.exists(ctx, groupID); err != nil {
		return 0, err
	}
	if len(customerIDs) == 0 {
		return 0, nil
	}
	res := r.db.WithContext(ctx).Exec(`
INSERT INTO group_members (group_id, customer_id, added_at)
SELECT ?, c.id, now() FROM customers c WHERE c.id = ANY(?::text[]::uuid[]) ORDER BY c.id
ON CONFLICT DO NOTHING`, groupID, uuidArray(customerIDs))
	if errors.Is(res.Error, gorm.ErrForeignKeyViolated) {
		return 0, group.ErrNotFound.New(groupID) // deleted meanwhile
	}
	if res.Error != nil {
		return 0, fmt.Errorf("add members to group %s: %w", groupID, res.Error)
	}
	return int(res.RowsAffected), nil
}

// RemoveMembers deletes the customers' memberships of the group.
func (r *GroupRepository) RemoveMembers(ctx context.Context, groupID uuid.UUID, customerIDs []uuid.UUID) (int, error) {
	if err := r.exists(ctx, groupID); err != nil {
		return 0, err
	}
	if len(customerIDs) == 0 {
		return 0, nil
	}
	res := r.db.WithContext(ctx).Exec("DELETE FROM group_members WHERE group_id = ? AND customer_id = ANY(?::text[]::uuid[])",
		groupID, uuidArray(customerIDs))
	if res.Error != nil {
		return 0, fmt.Errorf("remove members from group %s: %w", groupID, res.Error)
	}
	return int(res.RowsAffected), nil
}

// Members returns a page of the group's customers, by id.
func (r *GroupRepository) Members(ctx context.Context, groupID uuid.UUID, p ports.Page) ([]*customer.Customer, error) {
	if err := r.exists(ctx, groupID); err != nil {
		return nil, err
	}
	q := r.db.WithContext(ctx).Model(&customerRow{}).
		Where("id IN (SELECT customer_id FROM group_members WHERE group_id = ?)", groupID)
	var rows []customerRow
	if err := paginate(q, p).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("members of group %s: %w", groupID, err)
	}
	return toDomain(rows)
}

// MemberIDs returns the ids of every member, in id order.
func (r *GroupRepository) MemberIDs(ctx context.Context, groupID uuid.UUID) ([]uuid.UUID, error) {
	if err := r.exists(ctx, groupID); err != nil {
		return nil, err
	}
	ids := []uuid.UUID{}
	err := r.db.WithContext(ctx).Table("group_members").Where("group_id = ?", groupID).Order("customer_id").Pluck("customer_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("member ids of group %s: %w", groupID, err)
	}
	return ids, nil
}

// OfCustomer returns the customer's groups, by name.
func (r *GroupRepository) OfCustomer(ctx context.Context, customerID uuid.UUID) ([]*group.Group, error) {
	var rows []groupRow
	err := r.db.WithContext(ctx).
		Where("id IN (SELECT group_id FROM group_members WHERE customer_id = ?)", customerID).
		Order("lower(name), id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("groups of customer %s: %w", customerID, err)
	}
	return toDomain(rows)
}
