// Package postgres implements Saldo's repositories, unit of work and report
// queries over PostgreSQL with gorm. Unexported row structs carry the gorm
// tags and map to and from the domain explicitly; bulk writes and reports
// are plain SQL. The schema lives in the migrations package.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/saldocrm/saldo/migrations"
	"github.com/saldocrm/saldo/ports"
)

// SlowQuery is the duration above which a query is logged as a warning.
const SlowQuery = 200 * time.Millisecond

// Open connects to the PostgreSQL database at url (postgres://…) and checks
// that it answers. Duplicate keys and foreign-key violations come back as
// gorm.ErrDuplicatedKey and gorm.ErrForeignKeyViolated; only slow queries
// are logged, never their arguments.
func Open(ctx context.Context, url string) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{
		TranslateError:         true,
		Logger:                 newQueryLogger(slog.Default(), SlowQuery),
		SkipDefaultTransaction: true, // every write is one statement or runs in a unit of work
		DisableAutomaticPing:   true, // pinged below, with ctx
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	sqlDB.SetConnMaxLifetime(time.Hour)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Close closes the connection pool of db.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Pinger reports whether the database answers, for readiness probes.
type Pinger struct {
	db *gorm.DB
}

var _ ports.Pinger = (*Pinger)(nil)

// NewPinger returns a Pinger over db.
func NewPinger(db *gorm.DB) *Pinger { return &Pinger{db: db} }

// Ping checks the database with a round trip.
func (p *Pinger) Ping(ctx context.Context) error {
	sqlDB, err := p.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// MigrateUp applies the pending migrations and describes what it did, one
// line per migration. A database already up to date is not an error.
func MigrateUp(ctx context.Context, db *gorm.DB) (string, error) {
	p, err := newMigrator(db)
	if err != nil {
		return "", err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate up: %w", err)
	}
	if len(results) == 0 {
		v, err := p.GetDBVersion(ctx)
		if err != nil {
			return "", fmt.Errorf("migrate up: %w", err)
		}
		return fmt.Sprintf("database is up to date (version %d)", v), nil
	}
	lines := make([]string, 0, len(results))
	for _, r := range results {
		lines = append(lines, r.String())
	}
	return strings.Join(lines, "\n"), nil
}

// MigrateDown rolls back the most recently applied migration. A database
// with nothing to roll back is not an error.
func MigrateDown(ctx context.Context, db *gorm.DB) (string, error) {
	p, err := newMigrator(db)
	if err != nil {
		return "", err
	}
	r, err := p.Down(ctx)
	if errors.Is(err, goose.ErrNoNextVersion) {
		return "no migration to roll back", nil
	}
	if err != nil {
		return "", fmt.Errorf("migrate down: %w", err)
	}
	return r.String(), nil
}

// MigrateStatus lists every migration, applied (with when) or pending.
func MigrateStatus(ctx context.Context, db *gorm.DB) (string, error) {
	p, err := newMigrator(db)
	if err != nil {
		return "", err
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return "", fmt.Errorf("migration status: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %-20s %s\n", "STATE", "APPLIED AT (UTC)", "MIGRATION")
	for _, s := range statuses {
		at := "-"
		if s.State == goose.StateApplied {
			at = s.AppliedAt.UTC().Format(time.DateTime)
		}
		fmt.Fprintf(&b, "%-8s %-20s %s\n", s.State, at, s.Source.Path)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func newMigrator(db *gorm.DB) (*goose.Provider, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// The session lock keeps two processes (several replicas starting at
	// once) from migrating at the same time.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	// The provider is never closed: Close would close gorm's pool.
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// queryLogger is a gorm logger that only reports slow queries. Errors are
// returned to the caller, which logs them once where it handles them; gorm
// logging them too would log expected ones (a duplicate key) as failures.
type queryLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newQueryLogger(log *slog.Logger, slow time.Duration) logger.Interface {
	return &queryLogger{log: log, slow: slow}
}

func (l *queryLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *queryLogger) Info(context.Context, string, ...any) {}

func (l *queryLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l *queryLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l *queryLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), _ error) {
	elapsed := time.Since(begin)
	if elapsed <= l.slow {
		return
	}
	sql, rows := fc()
	l.log.WarnContext(ctx, "slow query", "duration", elapsed, "rows", rows, "sql", truncate(sql, 2000))
}

// ParamsFilter keeps query arguments (customer data) out of the log.
func (l *queryLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
