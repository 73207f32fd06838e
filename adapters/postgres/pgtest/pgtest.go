// Package pgtest gives each test its own PostgreSQL database, migrated,
// isolated from every other test and dropped when the test ends.
//
// The server is the one at SALDO_TEST_DATABASE_URL, else DATABASE_URL; its
// user must be allowed to create databases. The first test of a process
// makes (once per set of migrations, shared by every later run) a template
// database saldo_tmpl_<hash of the migrations> migrated to the latest
// version; each test then clones it with CREATE DATABASE … TEMPLATE, which
// takes a few tens of milliseconds.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/migrations"
)

// templateLock is the advisory lock key (on the server's admin database)
// under which test processes create the template, so two `go test`
// processes starting together do not both build it.
const templateLock int64 = 7_365_411_012_887_301

// maxConns bounds each test database's pool: many tests run in parallel
// against one server, and the concurrency tests need only a few.
const maxConns = 5

// New returns a connection pool to the test's own database, freshly
// migrated. Calling it again in the same test returns the same pool; the
// database is closed and dropped when the test ends.
func New(t testing.TB) *gorm.DB {
	t.Helper()
	d := database(t)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.db != nil {
		return d.db
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, d.url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(maxConns)
		sqlDB.SetMaxIdleConns(maxConns)
	}
	t.Cleanup(func() {
		if err := postgres.Close(db); err != nil {
			t.Logf("pgtest: close %s: %v", d.name, err)
		}
	})
	d.db = db
	return db
}

// URL returns the URL of the test's own database, freshly migrated: for
// tests that open it themselves (a whole application started by a test).
// The same test gets the same database from URL and New.
func URL(t testing.TB) string {
	t.Helper()
	return database(t).url
}

type testDatabase struct {
	name string
	url  string
	mu   sync.Mutex
	db   *gorm.DB
}

var (
	mu      sync.Mutex
	perTest = map[testing.TB]*testDatabase{}
)

func database(t testing.TB) *testDatabase {
	t.Helper()
	mu.Lock()
	d, ok := perTest[t]
	mu.Unlock()
	if ok {
		return d
	}
	s := server(t)
	name := "saldo_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.admin.WithContext(ctx).Exec(fmt.Sprintf("CREATE DATABASE %q TEMPLATE %q", name, s.template)).Error; err != nil {
		t.Fatalf("pgtest: create database %s from %s: %v", name, s.template, err)
	}
	d = &testDatabase{name: name, url: withDatabase(s.base, name)}
	t.Cleanup(func() {
		mu.Lock()
		delete(perTest, t)
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends connections the test left open (New's pool is closed
		// by then; a server started by the test may not be).
		if err := s.admin.WithContext(ctx).Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %q WITH (FORCE)", name)).Error; err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	mu.Lock()
	perTest[t] = d
	mu.Unlock()
	return d
}

// testServer is the server tests run against, with its migrated template.
type testServer struct {
	admin    *gorm.DB // to the database named in the URL, for CREATE/DROP DATABASE
	base     *url.URL
	template string
}

var (
	setupOnce sync.Once
	setup     *testServer
	setupErr  error
)

func server(t testing.TB) *testServer {
	t.Helper()
	raw := os.Getenv("SALDO_TEST_DATABASE_URL")
	if raw == "" {
		raw = os.Getenv("DATABASE_URL")
	}
	if raw == "" {
		if testing.Short() {
			t.Skip("pgtest: no PostgreSQL (SALDO_TEST_DATABASE_URL or DATABASE_URL): skipped in -short mode")
		}
		t.Fatal("pgtest: no PostgreSQL to test against: run `make test`, which starts one, " +
			"or set DATABASE_URL (or SALDO_TEST_DATABASE_URL) to a postgres:// URL whose user may create databases")
	}
	setupOnce.Do(func() { setup, setupErr = prepare(raw) })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	return setup
}

// prepare connects to the server and makes sure the template for the
// current migrations exists.
func prepare(raw string) (*testServer, error) {
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return nil, fmt.Errorf("the test database URL must look like postgres://user@host:5432/postgres?sslmode=disable")
	}
	hash, err := migrationsHash()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := postgres.Open(ctx, raw)
	if err != nil {
		return nil, err
	}
	sqlAdmin, err := admin.DB()
	if err != nil {
		return nil, err
	}
	sqlAdmin.SetMaxOpenConns(maxConns)
	// CREATE and DROP DATABASE are slow under load by nature: not worth a warning.
	admin = admin.Session(&gorm.Session{Logger: logger.Discard})
	s := &testServer{admin: admin, base: base, template: "saldo_tmpl_" + hash}

	conn, err := sqlAdmin.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return nil, fmt.Errorf("lock template creation: %w", err)
	}
	defer func() {
		// An error leaves the lock to the end of the session, which is soon.
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", templateLock)
	}()
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", s.template).Scan(&exists); err != nil {
		return nil, err
	}
	if exists {
		return s, nil
	}
	// Build under another name and rename when done: a process killed
	// half-way leaves no template that looks finished.
	building := s.template + "_building"
	for _, stmt := range []string{
		fmt.Sprintf("DROP DATABASE IF EXISTS %q WITH (FORCE)", building),
		fmt.Sprintf("CREATE DATABASE %q", building),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("create template: %w", err)
		}
	}
	db, err := postgres.Open(ctx, withDatabase(base, building))
	if err != nil {
		return nil, err
	}
	_, err = postgres.MigrateUp(ctx, db)
	if cerr := postgres.Close(db); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %q RENAME TO %q", building, s.template)); err != nil {
		return nil, fmt.Errorf("publish template: %w", err)
	}
	return s, nil
}

// migrationsHash names the template after the migrations' contents, so a
// changed or added migration gets a new template.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(base *url.URL, name string) string {
	u := *base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand.Read panics rather than erring)
	return hex.EncodeToString(b)
}
