package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is a saldo process under test with its own fresh database.
type server struct {
	base   string
	dbURL  string
	apiKey string
	cmd    *exec.Cmd
}

// freshDatabase drops and creates database name on the server of adminURL
// and returns its URL.
func freshDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func (o options) environ(dbURL string, extra ...string) []string {
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "LOG_LEVEL=warn")
	if o.redisURL != "" {
		env = append(env, "REDIS_URL="+o.redisURL)
	}
	return append(env, extra...)
}

// startServer migrates a fresh database, makes an API key and starts
// `saldo <command>` (serve or all) on a free loopback port.
func startServer(ctx context.Context, o options, dbName, command string, extraEnv ...string) (*server, error) {
	dbURL, err := freshDatabase(ctx, o.databaseURL, dbName)
	if err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	migrate := exec.CommandContext(ctx, o.saldo, "migrate", "up") //nolint:gosec // the binary under test, named by whoever runs the benchmark
	migrate.Env = o.environ(dbURL)
	if out, err := migrate.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("migrate: %w: %s", err, out)
	}
	mk := exec.CommandContext(ctx, o.saldo, "apikey", "create", "--name", "bench", "--scopes", "read,write") //nolint:gosec // as above
	mk.Env = o.environ(dbURL)
	out, err := mk.Output()
	if err != nil {
		return nil, fmt.Errorf("apikey: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &server{base: "http://" + addr, dbURL: dbURL, apiKey: lines[len(lines)-1]}
	s.cmd = exec.CommandContext(ctx, o.saldo, command) //nolint:gosec // as above
	s.cmd.Env = o.environ(dbURL, append([]string{"HTTP_ADDR=" + addr}, extraEnv...)...)
	var stderr bytes.Buffer
	s.cmd.Stderr = &stderr
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/healthz") //nolint:noctx // a start-up poll
		if err == nil {
			_ = resp.Body.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("saldo serve did not start: %s", stderr.String())
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}
}
