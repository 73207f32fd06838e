package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/user"
)

const userUsage = "usage: saldo user create --email EMAIL --name NAME --role owner|manager|agent [--password PASSWORD] [--language es|pt|en]"

// userCommand runs `saldo user …`: for now, creating a console user.
func userCommand(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(userUsage)
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(out)
	email := fs.String("email", "", "the email the user signs in with (required)")
	name := fs.String("name", "", "the user's name (required)")
	roleFlag := fs.String("role", "", "owner, manager or agent (required)")
	pw := fs.String("password", "", "at least 8 characters; omit it to have one generated (and kept out of the shell's history)")
	language := fs.String("language", "es", "the console's language for the user: es, pt or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q\n%s", fs.Args(), userUsage)
	}
	role, err := user.ParseRole(*roleFlag)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, clock.System{})
	if err != nil {
		return err
	}
	defer a.close()
	u, generated, err := application.NewCreateUser(a.users, a.hasher, a.clock).Handle(ctx, *email, *name, role, *language, *pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created user %s <%s> (%s, language %s, id %s).\n", u.Name(), u.Email(), u.Role(), u.Language(), u.ID())
	if generated != "" {
		fmt.Fprintln(out, "Their password was generated. It is shown only now; hand it over safely:")
		fmt.Fprintln(out, generated)
	}
	return nil
}
