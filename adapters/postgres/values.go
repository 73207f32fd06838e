package postgres

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// textArray binds a list as one PostgreSQL text[] parameter, which SQL
// casts to the column type (?::text[]::uuid[]). gorm would expand a plain
// slice into a parenthesized list of parameters but passes a struct
// through; pgx encodes pgtype.Array natively, in binary. (A driver.Valuer
// makes pgx format and re-parse an array literal, which nearly doubled the
// time of saving 1,000 invoices.)
func textArray(v []string) pgtype.Array[string] {
	n := len(v)
	if n > math.MaxInt32 {
		// Unreachable: PostgreSQL refuses arrays far shorter than this.
		panic("postgres: array parameter too long")
	}
	// No dimension is the empty array '{}'; nil dimensions would be NULL.
	dims := []pgtype.ArrayDimension{}
	if n > 0 {
		dims = []pgtype.ArrayDimension{{Length: int32(n), LowerBound: 1}}
	}
	return pgtype.Array[string]{Elements: v, Dims: dims, Valid: true}
}

func uuidArray(ids []uuid.UUID) pgtype.Array[string] {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return textArray(out)
}

// timestamp returns t as PostgreSQL stores it: UTC, to the microsecond.
func timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timestampText formats t for a timestamptz array element.
func timestampText(t time.Time) string { return timestamp(t).Format(time.RFC3339Nano) }

// moneyFrom rebuilds an amount read from a numeric(20,4) column in the
// currency with code cur. The column carries four decimals ("12.5000");
// rounding to the currency's minor unit drops the zeros, which a stored
// amount always has.
func moneyFrom(d decimal.Decimal, cur string) (money.Money, error) {
	c, err := money.ParseCurrency(cur)
	if err != nil {
		return money.Money{}, err
	}
	return money.New(d.Round(c.MinorUnits()), c)
}

// errCorrupt reports a stored row that no longer loads into its aggregate.
// The cause is flattened into the message, not wrapped: a domain "invalid"
// error here is a fault of the data, not of the caller's input, and must not
// reach the API as a 422.
func errCorrupt(what string, id uuid.UUID, cause error) error {
	return fmt.Errorf("postgres: stored %s %s does not load: %s", what, id, cause.Error())
}

// notFound reports whether err is gorm's "record not found".
func notFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// likePattern returns a pattern matching values that contain s, with the
// LIKE wildcards in s escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// paginate applies p: the rows after p.After by id, at most p.Limit of
// them (no limit when p.Limit is zero or less).
func paginate(q *gorm.DB, p ports.Page) *gorm.DB {
	if p.After != uuid.Nil {
		q = q.Where("id > ?", p.After)
	}
	return limit(q.Order("id"), p.Limit)
}

// lastByID keeps the last of items sharing an id and orders them by id: one
// INSERT … ON CONFLICT may not touch a row twice, and writing rows in id
// order, like every lock here, keeps concurrent batches from deadlocking.
func lastByID[T any](items []T, id func(T) uuid.UUID) []T {
	seen := make(map[uuid.UUID]int, len(items))
	out := make([]T, 0, len(items))
	for _, it := range items {
		if i, ok := seen[id(it)]; ok {
			out[i] = it
			continue
		}
		seen[id(it)] = len(out)
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b T) int {
		x, y := id(a), id(b)
		return bytes.Compare(x[:], y[:])
	})
	return out
}

// nullTime returns t for a nullable timestamptz column: NULL for the zero
// time, which the domain uses for "not yet".
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	ts := timestamp(t)
	return &ts
}

// timeOf reads a nullable timestamptz column: NULL is the zero time.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullUUID returns id for a nullable uuid column: NULL for uuid.Nil, which
// the domain uses for "none".
func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// uuidOf reads a nullable uuid column: NULL is uuid.Nil.
func uuidOf(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// nullString returns s for a nullable text column: NULL for "".
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// stringOf reads a nullable text column: NULL is "".
func stringOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// limit applies n, no limit when n is zero or less (as ports.Page does).
func limit(q *gorm.DB, n int) *gorm.DB {
	if n > 0 {
		q = q.Limit(n)
	}
	return q
}

// domainRow is a stored row that maps back to its domain value.
type domainRow[T any] interface {
	toDomain() (T, error)
}

// toDomain maps rows to their domain values, in order; a row that does not
// map (a stored value the domain no longer accepts) fails the whole read.
func toDomain[T any, R domainRow[T]](rows []R) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, row := range rows {
		v, err := row.toDomain()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
