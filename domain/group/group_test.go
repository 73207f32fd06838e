package group_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/group"
)

var now = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"trimmed", "  Morosos 30+  ", "Morosos 30+", nil},
		{"accents count as one character", strings.Repeat("á", 80), strings.Repeat("á", 80), nil},
		{"empty", "   ", "", group.ErrInvalidName},
		{"too long", strings.Repeat("a", 81), "", group.ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := group.New(uuid.New(), tt.in, "", now)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || domain.KindOf(err) != domain.KindInvalid {
					t.Fatalf("New(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.in, err)
			}
			if g.Name() != tt.want {
				t.Errorf("Name() = %q, want %q", g.Name(), tt.want)
			}
		})
	}
}

func TestDescriptionTooLong(t *testing.T) {
	t.Parallel()
	if _, err := group.New(uuid.New(), "VIP", strings.Repeat("x", 501), now); !errors.Is(err, group.ErrInvalidDescription) {
		t.Fatalf("error = %v, want ErrInvalidDescription", err)
	}
}

func TestEdit(t *testing.T) {
	t.Parallel()
	g, err := group.New(uuid.New(), "Morosos", "más de 30 días", now)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	changed, err := g.Edit(" Morosos ", "más de 30 días", later)
	if err != nil || changed {
		t.Fatalf("same name and description: changed=%v err=%v, want no change", changed, err)
	}
	if !g.UpdatedAt().Equal(now) {
		t.Errorf("UpdatedAt moved on a no-op edit")
	}
	changed, err = g.Edit("Morosos 60+", "", later)
	if err != nil || !changed {
		t.Fatalf("rename: changed=%v err=%v", changed, err)
	}
	if g.Name() != "Morosos 60+" || g.Description() != "" || !g.UpdatedAt().Equal(later) {
		t.Errorf("after rename: %q %q %v", g.Name(), g.Description(), g.UpdatedAt())
	}
	if _, err := g.Edit("", "", later); !errors.Is(err, group.ErrInvalidName) {
		t.Errorf("empty rename error = %v", err)
	}
	if g.Name() != "Morosos 60+" {
		t.Errorf("a refused rename changed the name to %q", g.Name())
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	if group.Key(" VIP Clientes ") != group.Key("vip clientes") {
		t.Error("keys differ by case or spaces")
	}
}
