package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/saldocrm/saldo/adapters/clock"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/apikey"
)

func migrate(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: saldo migrate up|down|status")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect to the database: %w", err)
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	}()
	var report string
	switch args[0] {
	case "up":
		report, err = postgres.MigrateUp(ctx, db)
	case "down":
		report, err = postgres.MigrateDown(ctx, db)
	case "status":
		report, err = postgres.MigrateStatus(ctx, db)
	default:
		return fmt.Errorf("usage: saldo migrate up|down|status")
	}
	if report != "" {
		fmt.Fprintln(out, report)
	}
	return err
}

func apiKey(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: saldo apikey create --name NAME [--scopes read,write]")
	}
	fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
	fs.SetOutput(out)
	name := fs.String("name", "", "what the key is for, e.g. the ERP's name (required)")
	scopesFlag := fs.String("scopes", "read", "comma-separated scopes: read, write")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	scopes, err := apikey.ParseScopes(*scopesFlag)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, clock.System{})
	if err != nil {
		return err
	}
	defer a.close()
	k, secret, err := application.NewCreateAPIKey(a.apiKeys, a.clock).Handle(ctx, *name, scopes)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created API key %q (%s) with scopes %v.\n", k.Name(), k.ID(), k.Scopes())
	fmt.Fprintln(out, "Send it as \"Authorization: Bearer <key>\". It is shown only now; store it safely:")
	fmt.Fprintln(out, secret)
	return nil
}
