// Command saldo is Saldo's one binary: the HTTP server, the asynq worker,
// migrations, demo data and API keys, as subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: saldo <command> [flags]

Commands:
  serve                       run the HTTP server (API, webhooks, console)
  worker                      run the asynq worker
  all                         run the server and the worker in one process
  migrate up|down|status      apply, roll back one, or list migrations
  seed                        load the demo data (idempotent)
  apikey create --name NAME [--scopes read,write]
                              create an API key; the key is the last line printed
  user create --email EMAIL --name NAME --role owner|manager|agent [--password P] [--language es|pt|en]
                              create a console user; without --password one is
                              generated and printed on the last line
  sim                         run the WhatsApp Cloud API simulator (SIM_ADDR, default 127.0.0.1:8081)

Configuration comes from the environment: see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "saldo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(out, usage)
		return nil
	}
	cfg, err := loadConfig(args[0] != "sim")
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, true, false)
	case "worker":
		return serve(ctx, cfg, false, true)
	case "all":
		return serve(ctx, cfg, true, true)
	case "migrate":
		return migrate(ctx, cfg, args[1:], out)
	case "seed":
		return seed(ctx, cfg, out)
	case "apikey":
		return apiKey(ctx, cfg, args[1:], out)
	case "user":
		return userCommand(ctx, cfg, args[1:], out)
	case "sim":
		return simulate(ctx, cfg)
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}
