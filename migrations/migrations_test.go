package migrations_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/saldocrm/saldo/migrations"
)

// TestFiles checks what goose needs from every file: a numbered name in
// sequence, an Up and a Down section, in that order.
func TestFiles(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, name := range names {
		if want := fmt.Sprintf("%05d_", i+1); !strings.HasPrefix(name, want) {
			t.Errorf("%s: want the prefix %s (versions in sequence, five digits)", name, want)
		}
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		up := strings.Index(string(b), "-- +goose Up")
		down := strings.Index(string(b), "-- +goose Down")
		if up < 0 || down < 0 || down < up {
			t.Errorf("%s: want a \"-- +goose Up\" section followed by a \"-- +goose Down\" section", name)
		}
	}
}
