package domain_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/saldocrm/saldo/domain"
)

var errInvoicePaid = domain.Errorf(domain.KindConflict, "invoice_paid", "invoice %s is already paid")

func TestErrorNewMatchesDeclared(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		declared *domain.Error
		args     []any
		wantMsg  string
		wantKind domain.Kind
		other    *domain.Error // a different declared error that must not match
	}{
		{"conflict with argument", errInvoicePaid, []any{"F-001"}, "invoice F-001 is already paid", domain.KindConflict, domain.ErrNotFound},
		{"not found", domain.ErrNotFound, []any{"customer C-9"}, "customer C-9 not found", domain.KindNotFound, domain.ErrConflict},
		{"forbidden", domain.ErrForbidden, []any{"only admins may revoke keys"}, "only admins may revoke keys", domain.KindForbidden, domain.ErrConflict},
		{"no arguments keeps the declared message", domain.ErrInvalidMetadata, nil, "metadata must be a JSON object", domain.KindInvalid, domain.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.declared.New(tt.args...)
			if got := err.Error(); got != tt.wantMsg {
				t.Errorf("Error() = %q, want %q", got, tt.wantMsg)
			}
			if err.Kind() != tt.wantKind || err.Code() != tt.declared.Code() {
				t.Errorf("kind/code = %v/%q, want %v/%q", err.Kind(), err.Code(), tt.wantKind, tt.declared.Code())
			}
			if !errors.Is(err, tt.declared) {
				t.Errorf("errors.Is(copy, declared) = false, want true")
			}
			wrapped := fmt.Errorf("record payment P-1: %w", err)
			if !errors.Is(wrapped, tt.declared) {
				t.Errorf("errors.Is(wrapped copy, declared) = false, want true")
			}
			if errors.Is(wrapped, tt.other) {
				t.Errorf("errors.Is(copy, %q) = true, want false", tt.other.Code())
			}
			if tt.declared.Error() == tt.wantMsg && len(tt.args) > 0 {
				t.Errorf("New modified the declared error's message")
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want domain.Kind
	}{
		{"nil", nil, domain.KindInternal},
		{"plain error", errors.New("connection refused"), domain.KindInternal},
		{"domain error", domain.ErrNotFound.New("invoice F-1"), domain.KindNotFound},
		{"wrapped once", fmt.Errorf("load invoice: %w", domain.ErrNotFound.New("invoice F-1")), domain.KindNotFound},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("use case: %w", errInvoicePaid.New("F-1"))), domain.KindConflict},
		{"forbidden wrapped", fmt.Errorf("x: %w", domain.ErrForbidden.New("no")), domain.KindForbidden},
		{"invalid helper", fmt.Errorf("x: %w", domain.Invalid("bad_thing", "thing %d is bad", 3)), domain.KindInvalid},
		{"joined with a plain error", errors.Join(errors.New("other"), domain.ErrConflict.New("dup")), domain.KindConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInvalidFormatsMessage(t *testing.T) {
	t.Parallel()
	err := domain.Invalid("too_many", "%d items, at most %d", 12, 10)
	if err.Error() != "12 items, at most 10" || err.Code() != "too_many" || err.Kind() != domain.KindInvalid {
		t.Errorf("Invalid = %q/%q/%v", err.Error(), err.Code(), err.Kind())
	}
}

func TestWithDetails(t *testing.T) {
	t.Parallel()
	in := []string{"name is required", "email is invalid"}
	err := domain.Invalid("invalid_customer", "bad customer").WithDetails(in...)
	in[0] = "changed by the caller"
	if want := []string{"name is required", "email is invalid"}; !slices.Equal(err.Details(), want) {
		t.Errorf("Details = %q, want %q", err.Details(), want)
	}
	if got := err.New().Details(); len(got) != 0 {
		t.Errorf("New kept details %q, want none", got)
	}
	if len(domain.ErrInvalidMetadata.Details()) != 0 {
		t.Errorf("declared error gained details")
	}
}
