// Package migrations holds Saldo's database schema as versioned SQL files.
// They are embedded in the binary and applied with goose by
// postgres.MigrateUp (`saldo migrate up`, `make run`); the schema is never
// derived from Go structs.
package migrations

import "embed"

// FS holds the migration files, NNNNN_description.sql, each with a
// "-- +goose Up" and a "-- +goose Down" section.
//
//go:embed *.sql
var FS embed.FS
