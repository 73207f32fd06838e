package user_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/user"
)

var (
	t0     = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	userID = uuid.MustParse("0195a6b2-7c1d-7e3f-8a4b-5c6d7e8f9a0b")
	hash   = "$2a$04$hash-of-the-password"
)

func mustNew(t *testing.T, role user.Role) *user.User {
	t.Helper()
	u, err := user.New(userID, "ana@saldo.demo", "Ana Agente", role, "es", hash, t0)
	if err != nil {
		t.Fatalf("user.New: %v", err)
	}
	return u
}

func domainErr(t *testing.T, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a domain error", err, err)
	}
	return de
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    user.Role
		wantErr bool
	}{
		{"owner", user.Owner, false},
		{"manager", user.Manager, false},
		{"agent", user.Agent, false},
		{" Agent ", user.Agent, false},
		{"MANAGER", user.Manager, false},
		{"", "", true},
		{"admin", "", true},
		{"owner,agent", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := user.ParseRole(tt.in)
			if tt.wantErr {
				de := domainErr(t, err)
				if de.Code() != "invalid_role" || de.Kind() != domain.KindInvalid || !strings.Contains(de.Error(), `"`+tt.in+`"`) {
					t.Errorf("ParseRole(%q) error = %q (%s), want invalid_role naming the input", tt.in, de, de.Code())
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if !slices.Equal(user.Roles(), []user.Role{user.Owner, user.Manager, user.Agent}) {
		t.Errorf("Roles() = %v", user.Roles())
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	u, err := user.New(userID, "  Olivia.Duena@Saldo.DEMO ", "  Olivia Dueña ", user.Owner, "pt-BR", hash, t0)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"id", u.ID(), userID},
		{"email", u.Email(), "olivia.duena@saldo.demo"},
		{"name", u.Name(), "Olivia Dueña"},
		{"role", u.Role(), user.Owner},
		{"language", u.Language(), customer.Portuguese},
		{"password hash", u.PasswordHash(), hash},
		{"failed logins", u.FailedLogins(), 0},
		{"locked until", u.LockedUntil(), time.Time{}},
		{"last login", u.LastLoginAt(), time.Time{}},
		{"created", u.CreatedAt(), t0},
		{"updated", u.UpdatedAt(), t0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	u, err = user.New(userID, "ana@saldo.demo", "Ana", user.Agent, "", hash, t0)
	if err != nil || u.Language() != customer.Spanish {
		t.Errorf("empty language = %v, %v; want es", u, err)
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		id        uuid.UUID
		email     string
		userName  string
		role      user.Role
		language  string
		hash      string
		wantCodes []string // the problems, in order
	}{
		{"no id", uuid.Nil, "a@b.co", "A", user.Agent, "es", hash, []string{"invalid_id"}},
		{"no email", userID, "", "A", user.Agent, "es", hash, []string{"invalid_email"}},
		{"not an email", userID, "ana", "A", user.Agent, "es", hash, []string{"invalid_email"}},
		{"display name", userID, "Ana <ana@saldo.demo>", "A", user.Agent, "es", hash, []string{"invalid_email"}},
		{"two addresses", userID, "a@b.co, c@d.co", "A", user.Agent, "es", hash, []string{"invalid_email"}},
		{"email too long", userID, strings.Repeat("a", 250) + "@b.co", "A", user.Agent, "es", hash, []string{"invalid_email"}},
		{"blank name", userID, "a@b.co", "   ", user.Agent, "es", hash, []string{"invalid_name"}},
		{"name too long", userID, "a@b.co", strings.Repeat("n", 256), user.Agent, "es", hash, []string{"invalid_name"}},
		{"no role", userID, "a@b.co", "A", "", "es", hash, []string{"invalid_role"}},
		{"unknown role", userID, "a@b.co", "A", "admin", "es", hash, []string{"invalid_role"}},
		{"unknown language", userID, "a@b.co", "A", user.Agent, "fr", hash, []string{"invalid_language"}},
		{"no password hash", userID, "a@b.co", "A", user.Agent, "es", "", []string{"invalid_password_hash"}},
		{
			"everything at once", uuid.Nil, "nope", "", "boss", "de", "",
			[]string{"invalid_id", "invalid_email", "invalid_name", "invalid_role", "invalid_language", "invalid_password_hash"},
		},
	}
	declared := map[string]*domain.Error{
		"invalid_id": user.ErrInvalidID, "invalid_email": user.ErrInvalidEmail, "invalid_name": user.ErrInvalidName,
		"invalid_role": user.ErrInvalidRole, "invalid_language": customer.ErrInvalidLanguage,
		"invalid_password_hash": user.ErrInvalidPasswordHash,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := user.New(tt.id, tt.email, tt.userName, tt.role, tt.language, tt.hash, t0)
			if u != nil {
				t.Fatalf("New returned a user with error %v", err)
			}
			de := domainErr(t, err)
			if de.Kind() != domain.KindInvalid || de.Code() != "invalid_user" {
				t.Fatalf("error = %v (%s), want invalid_user", de, de.Code())
			}
			if len(de.Details()) != len(tt.wantCodes) {
				t.Fatalf("details = %q, want %d problems", de.Details(), len(tt.wantCodes))
			}
			for i, code := range tt.wantCodes {
				want := declared[code]
				// The details are the messages: the formatted ones start like the declared format.
				prefix, _, _ := strings.Cut(want.Error(), "%")
				if !strings.HasPrefix(de.Details()[i], prefix) {
					t.Errorf("detail %d = %q, want %s (%q…)", i, de.Details()[i], code, prefix)
				}
			}
		})
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	u := mustNew(t, user.Agent)
	at := t0
	// Each failure happens once the previous lock, if any, is over.
	wantLocks := []time.Duration{
		0, 0, 0, 0, // failures 1 to 4: nothing
		30 * time.Second, // 5th
		time.Minute,      // 6th
		2 * time.Minute,
		4 * time.Minute,
		8 * time.Minute,
		15 * time.Minute, // 10th: 16 minutes, capped
		15 * time.Minute,
		15 * time.Minute,
	}
	for i, want := range wantLocks {
		if err := u.CheckLogin(at); err != nil {
			t.Fatalf("before failure %d: CheckLogin = %v, want nil", i+1, err)
		}
		u.LoginFailed(at)
		if u.FailedLogins() != i+1 {
			t.Fatalf("failure %d: FailedLogins = %d", i+1, u.FailedLogins())
		}
		if !u.UpdatedAt().Equal(at) {
			t.Errorf("failure %d: UpdatedAt = %s, want %s", i+1, u.UpdatedAt(), at)
		}
		err := u.CheckLogin(at)
		if want == 0 {
			if err != nil || !u.LockedUntil().IsZero() {
				t.Fatalf("failure %d: CheckLogin = %v, locked until %s; want no lock", i+1, err, u.LockedUntil())
			}
			at = at.Add(time.Second)
			continue
		}
		if got := u.LockedUntil().Sub(at); got != want {
			t.Errorf("failure %d: locked for %s, want %s", i+1, got, want)
		}
		de := domainErr(t, err)
		if !errors.Is(err, user.ErrLocked) || de.Kind() != domain.KindForbidden || de.Code() != "account_locked" {
			t.Fatalf("failure %d: CheckLogin = %v (%s), want account_locked", i+1, err, de.Code())
		}
		if wantMsg := "too many failed sign-ins: try again in " + want.String(); de.Error() != wantMsg {
			t.Errorf("failure %d: message %q, want %q", i+1, de.Error(), wantMsg)
		}
		// Still locked a moment before the end, free at the end.
		if err := u.CheckLogin(u.LockedUntil().Add(-time.Nanosecond)); !errors.Is(err, user.ErrLocked) {
			t.Errorf("failure %d: 1ns before the end: %v, want locked", i+1, err)
		}
		at = u.LockedUntil()
	}

	// A success forgets the failures: the next failures start over.
	u.LoginSucceeded(at)
	if u.FailedLogins() != 0 || !u.LockedUntil().IsZero() || !u.LastLoginAt().Equal(at) || !u.UpdatedAt().Equal(at) {
		t.Errorf("after success: failed %d, locked until %s, last login %s", u.FailedLogins(), u.LockedUntil(), u.LastLoginAt())
	}
	for range 4 {
		u.LoginFailed(at)
	}
	if err := u.CheckLogin(at); err != nil {
		t.Errorf("4 failures after a success: %v, want not locked", err)
	}
	u.LoginFailed(at)
	if got := u.LockedUntil().Sub(at); got != 30*time.Second {
		t.Errorf("5th failure after a success: locked %s, want 30s", got)
	}
}

func TestLockedMessageRoundsUp(t *testing.T) {
	t.Parallel()
	u := mustNew(t, user.Agent)
	for range 5 {
		u.LoginFailed(t0)
	}
	tests := []struct {
		at   time.Time
		want string
	}{
		{t0, "30s"},
		{t0.Add(500 * time.Millisecond), "30s"},
		{t0.Add(29*time.Second + time.Millisecond), "1s"},
	}
	for _, tt := range tests {
		err := u.CheckLogin(tt.at)
		if err == nil || !strings.HasSuffix(err.Error(), "try again in "+tt.want) {
			t.Errorf("CheckLogin(%s) = %v, want … %s", tt.at, err, tt.want)
		}
	}
}

func TestSetLanguage(t *testing.T) {
	t.Parallel()
	u := mustNew(t, user.Manager)
	t1 := t0.Add(time.Hour)
	if err := u.SetLanguage("es-CO", t1); err != nil || !u.UpdatedAt().Equal(t0) {
		t.Errorf("same language: %v, updated %s; want no change", err, u.UpdatedAt())
	}
	if err := u.SetLanguage("pt", t1); err != nil || u.Language() != customer.Portuguese || !u.UpdatedAt().Equal(t1) {
		t.Errorf("SetLanguage(pt) = %v: %s, updated %s", err, u.Language(), u.UpdatedAt())
	}
	err := u.SetLanguage("fr", t1.Add(time.Hour))
	if !errors.Is(err, customer.ErrInvalidLanguage) || u.Language() != customer.Portuguese {
		t.Errorf("SetLanguage(fr) = %v, language %s; want invalid_language, unchanged", err, u.Language())
	}
	u.SetPasswordHash("$2a$04$new", t1.Add(2*time.Hour))
	if u.PasswordHash() != "$2a$04$new" || !u.UpdatedAt().Equal(t1.Add(2*time.Hour)) {
		t.Errorf("SetPasswordHash: %q, updated %s", u.PasswordHash(), u.UpdatedAt())
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	other := uuid.MustParse("0195a6b2-7c1d-7e3f-8a4b-000000000002")
	tests := []struct {
		role                              user.Role
		unassigned, own, others           bool // CanSeeConversation
		manageTeam, reports, assignOthers bool
	}{
		{user.Owner, true, true, true, true, true, true},
		{user.Manager, true, true, true, false, true, true},
		{user.Agent, true, true, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			t.Parallel()
			u := mustNew(t, tt.role)
			got := []bool{
				u.CanSeeConversation(uuid.Nil), u.CanSeeConversation(u.ID()), u.CanSeeConversation(other),
				u.CanManageTeam(), u.CanSeeReports(), u.CanAssignOthers(),
			}
			want := []bool{tt.unassigned, tt.own, tt.others, tt.manageTeam, tt.reports, tt.assignOthers}
			names := []string{"see unassigned", "see own", "see others'", "manage team", "see reports", "assign others"}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: %s = %v, want %v", tt.role, names[i], got[i], want[i])
				}
			}
		})
	}
}

func TestUnmarshalFromDatabase(t *testing.T) {
	t.Parallel()
	locked, last, updated := t0.Add(time.Hour), t0.Add(30*time.Minute), t0.Add(2*time.Hour)
	u, err := user.UnmarshalFromDatabase(userID, "ana@saldo.demo", "Ana Agente", "agent", "en", hash, 7, locked, last, t0, updated)
	if err != nil {
		t.Fatalf("UnmarshalFromDatabase: %v", err)
	}
	if u.Role() != user.Agent || u.Language() != customer.English || u.FailedLogins() != 7 ||
		!u.LockedUntil().Equal(locked) || !u.LastLoginAt().Equal(last) || !u.CreatedAt().Equal(t0) || !u.UpdatedAt().Equal(updated) {
		t.Errorf("UnmarshalFromDatabase lost fields: %+v", u)
	}
	if _, err := user.UnmarshalFromDatabase(userID, "ana@saldo.demo", "Ana", "root", "es", hash, 0, time.Time{}, time.Time{}, t0, t0); err == nil {
		t.Error("UnmarshalFromDatabase accepted role root")
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *domain.Error
		kind domain.Kind
		code string
	}{
		{user.ErrNotFound, domain.KindNotFound, "user_not_found"},
		{user.ErrEmailTaken, domain.KindConflict, "email_taken"},
		{user.ErrBadCredentials, domain.KindUnauthorized, "invalid_credentials"},
		{user.ErrLocked, domain.KindForbidden, "account_locked"},
		{user.ErrSessionExpired, domain.KindUnauthorized, "session_expired"},
	}
	for _, tt := range tests {
		if tt.err.Kind() != tt.kind || tt.err.Code() != tt.code {
			t.Errorf("%s: kind %v, code %s; want %v, %s", tt.err, tt.err.Kind(), tt.err.Code(), tt.kind, tt.code)
		}
	}
	if user.ErrBadCredentials.Error() != "email or password is wrong" {
		t.Errorf("ErrBadCredentials = %q", user.ErrBadCredentials)
	}
}
