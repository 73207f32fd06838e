package dispute_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/dispute"
)

var (
	now   = time.Date(2026, time.March, 10, 15, 0, 0, 0, time.UTC)
	inv   = uuid.MustParse("8a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
	agent = uuid.MustParse("1a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
)

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		invoice uuid.UUID
		reason  string
		wantErr error
	}{
		{"a reason", inv, "  Cobro duplicado  ", nil},
		{"500 characters", inv, strings.Repeat("é", 500), nil},
		{"blank reason", inv, "   ", dispute.ErrMissingReason},
		{"too long", inv, strings.Repeat("é", 501), dispute.ErrReasonTooLong},
		{"no invoice", uuid.Nil, "x", dispute.ErrMissingInvoice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := dispute.Open(tt.invoice, tt.reason, agent, now)
			if tt.wantErr != nil {
				if d != nil || !errors.Is(err, tt.wantErr) || domain.KindOf(err) != domain.KindInvalid {
					t.Fatalf("Open = %v, %v; want %v", d, err, tt.wantErr)
				}
				return
			}
			if err != nil || !d.IsOpen() || d.Reason() != strings.TrimSpace(tt.reason) || d.OpenedBy() != agent || !d.OpenedAt().Equal(now) {
				t.Fatalf("Open = %+v, %v", d, err)
			}
		})
	}
}

func TestResolveAndReopen(t *testing.T) {
	t.Parallel()
	d, err := dispute.Open(inv, "Mercancía devuelta", agent, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Reopen("otra", agent, now); !errors.Is(err, dispute.ErrAlreadyOpen) || domain.KindOf(err) != domain.KindConflict {
		t.Errorf("Reopen of an open dispute = %v", err)
	}
	if err := d.Resolve(strings.Repeat("x", 501), now); !errors.Is(err, dispute.ErrResolutionTooLong) || !d.IsOpen() {
		t.Errorf("Resolve with a long text = %v, open %v", err, d.IsOpen())
	}
	later := now.Add(48 * time.Hour)
	if err := d.Resolve(" Nota crédito NC-12 ", later); err != nil || d.IsOpen() || d.Resolution() != "Nota crédito NC-12" || !d.ResolvedAt().Equal(later) {
		t.Fatalf("Resolve = %v; open %v resolution %q", err, d.IsOpen(), d.Resolution())
	}
	if err := d.Resolve("again", later); !errors.Is(err, dispute.ErrNotOpen) {
		t.Errorf("Resolve twice = %v", err)
	}
	if err := d.Reopen(" ", agent, later); !errors.Is(err, dispute.ErrMissingReason) || d.IsOpen() {
		t.Errorf("Reopen without reason = %v", err)
	}
	evenLater := later.Add(time.Hour)
	if err := d.Reopen("Sigue sin llegar", uuid.Nil, evenLater); err != nil || !d.IsOpen() || d.Reason() != "Sigue sin llegar" ||
		d.Resolution() != "" || !d.ResolvedAt().IsZero() || !d.OpenedAt().Equal(evenLater) || d.OpenedBy() != uuid.Nil {
		t.Errorf("Reopen = %v; %+v", err, d)
	}
}
