package customer_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
)

var (
	t0 = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)
)

func validDetails() customer.Details {
	return customer.Details{
		ExternalID: "C-1001",
		Name:       "Ferretería El Tornillo S.A.S.",
		Email:      "pagos@eltornillo.co",
		Phone:      "+57 300 123 4567",
		TaxID:      "900.123.456-7",
		Tags:       []string{"Mayorista", "bogota"},
		Language:   "es-CO",
		Metadata:   json.RawMessage(`{"segment": "retail", "credit_limit": 5000000}`),
	}
}

func mustNew(t *testing.T, d customer.Details) *customer.Customer {
	t.Helper()
	c, err := customer.New(d, t0)
	if err != nil {
		t.Fatalf("customer.New: %v", err)
	}
	return c
}

func domainErr(t *testing.T, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a domain error", err, err)
	}
	return de
}

func TestNewNormalizes(t *testing.T) {
	t.Parallel()
	d := customer.Details{
		ExternalID: "  C-1001 ",
		Name:       "  Ana Gómez ",
		Email:      " Ana.Gomez@Example.COM ",
		Phone:      "0055 (11) 97123-4567",
		TaxID:      " 123.456.789-09 ",
		Tags:       []string{" VIP", "vip", "Sao-Paulo", "atraso "},
		Language:   "pt-BR",
		Metadata:   json.RawMessage(` { "z": 1, "a": {"y": 2, "x": 3} } `),
	}
	c := mustNew(t, d)
	checks := []struct {
		field, got, want string
	}{
		{"external id", c.ExternalID(), "C-1001"},
		{"name", c.Name(), "Ana Gómez"},
		{"email", c.Email(), "ana.gomez@example.com"},
		{"phone", c.Phone().String(), "+5511971234567"},
		{"tax id", c.TaxID(), "123.456.789-09"},
		{"tags", strings.Join(c.Tags(), ","), "atraso,sao-paulo,vip"},
		{"language", string(c.Language()), "pt"},
		{"metadata", string(c.Metadata()), `{"a":{"x":3,"y":2},"z":1}`},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.field, ch.got, ch.want)
		}
	}
	if c.ID() != customer.IDFor("C-1001") {
		t.Errorf("ID = %v, want IDFor(trimmed external id) %v", c.ID(), customer.IDFor("C-1001"))
	}
	if !c.CreatedAt().Equal(t0) || !c.UpdatedAt().Equal(t0) || c.OptedOut() {
		t.Errorf("createdAt %v updatedAt %v optedOut %v", c.CreatedAt(), c.UpdatedAt(), c.OptedOut())
	}
	tags := c.Tags()
	tags[0] = "changed"
	if c.Tags()[0] != "atraso" {
		t.Errorf("Tags() exposes the customer's slice")
	}
}

func TestNewOptionalFieldsMayBeEmpty(t *testing.T) {
	t.Parallel()
	c := mustNew(t, customer.Details{ExternalID: "C-2", Name: "Solo Nombre"})
	if c.Email() != "" || !c.Phone().IsZero() || c.TaxID() != "" || len(c.Tags()) != 0 ||
		c.Language() != customer.Spanish || string(c.Metadata()) != "{}" {
		t.Errorf("defaults: email %q phone %q tax %q tags %q lang %q metadata %s",
			c.Email(), c.Phone(), c.TaxID(), c.Tags(), c.Language(), c.Metadata())
	}
}

func TestNewRefusesEachInvalidField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(*customer.Details)
		wantDetail string
	}{
		{"missing external id", func(d *customer.Details) { d.ExternalID = "  " }, "external_id is required"},
		{"external id too long", func(d *customer.Details) { d.ExternalID = strings.Repeat("x", 256) }, "external_id is required"},
		{"missing name", func(d *customer.Details) { d.Name = "" }, "name is required"},
		{"name too long", func(d *customer.Details) { d.Name = strings.Repeat("n", 256) }, "name is required"},
		{"email without domain", func(d *customer.Details) { d.Email = "ana@" }, `"ana@" is not an email address`},
		{"email with display name", func(d *customer.Details) { d.Email = "Ana <ana@example.com>" }, "is not an email address"},
		{"email with space", func(d *customer.Details) { d.Email = "ana gomez@example.com" }, "is not an email address"},
		{"phone with letters", func(d *customer.Details) { d.Phone = "call me" }, "is not a phone number"},
		{"phone too short", func(d *customer.Details) { d.Phone = "+57 300" }, "is not a phone number"},
		{"empty tag", func(d *customer.Details) { d.Tags = []string{"ok", " "} }, "must be 1 to 64 characters"},
		{"tag too long", func(d *customer.Details) { d.Tags = []string{strings.Repeat("t", 65)} }, "must be 1 to 64 characters"},
		{"unsupported language", func(d *customer.Details) { d.Language = "fr" }, `language "fr" is not supported`},
		{"metadata array", func(d *customer.Details) { d.Metadata = json.RawMessage(`[1,2]`) }, "metadata must be a JSON object"},
		{"metadata malformed", func(d *customer.Details) { d.Metadata = json.RawMessage(`{"a":`) }, "metadata must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := validDetails()
			tt.edit(&d)
			c, err := customer.New(d, t0)
			if c != nil {
				t.Errorf("New returned a customer along with the error")
			}
			de := domainErr(t, err)
			if de.Code() != "invalid_customer" || de.Kind() != domain.KindInvalid {
				t.Errorf("code/kind = %q/%v, want invalid_customer/invalid", de.Code(), de.Kind())
			}
			if len(de.Details()) != 1 || !strings.Contains(de.Details()[0], tt.wantDetail) {
				t.Errorf("details = %q, want one containing %q", de.Details(), tt.wantDetail)
			}
		})
	}
}

func TestNewReportsAllProblemsAtOnce(t *testing.T) {
	t.Parallel()
	d := customer.Details{
		ExternalID: "",
		Name:       " ",
		Email:      "not-an-email",
		Phone:      "+0 123",
		Tags:       []string{""},
		Language:   "de",
		Metadata:   json.RawMessage(`"text"`),
	}
	_, err := customer.New(d, t0)
	de := domainErr(t, err)
	want := []string{
		"external_id is required",
		"name is required",
		"is not an email address",
		"is not a phone number",
		"must be 1 to 64 characters",
		"is not supported",
		"metadata must be a JSON object",
	}
	if len(de.Details()) != len(want) {
		t.Fatalf("details = %q, want %d problems", de.Details(), len(want))
	}
	for _, w := range want {
		found := slices.ContainsFunc(de.Details(), func(s string) bool { return strings.Contains(s, w) })
		if !found {
			t.Errorf("details %q lack %q", de.Details(), w)
		}
		if !strings.Contains(de.Error(), w) {
			t.Errorf("message %q lacks %q", de.Error(), w)
		}
	}
}

func TestParseLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    customer.Language
		wantErr bool
	}{
		{"", customer.Spanish, false},
		{"es", customer.Spanish, false},
		{"ES", customer.Spanish, false},
		{"es-CO", customer.Spanish, false},
		{"es_MX", customer.Spanish, false},
		{"pt-BR", customer.Portuguese, false},
		{" pt ", customer.Portuguese, false},
		{"en-US", customer.English, false},
		{"fr", "", true},
		{"esp", "", true},
		{"-es", "", true},
		{"spanish", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := customer.ParseLanguage(tt.in)
			if tt.wantErr {
				if !errors.Is(err, customer.ErrInvalidLanguage) {
					t.Fatalf("ParseLanguage(%q) = %q, %v; want invalid_language", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseLanguage(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSync(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*customer.Details)
		wantChanged bool
		check       func(*testing.T, *customer.Customer)
	}{
		{"same details", func(*customer.Details) {}, false, nil},
		{"tags in another order and case", func(d *customer.Details) { d.Tags = []string{"BOGOTA", " mayorista", "Bogota"} }, false, nil},
		{"metadata keys in another order and spacing", func(d *customer.Details) {
			d.Metadata = json.RawMessage("{\n  \"credit_limit\": 5000000,\n  \"segment\": \"retail\"\n}")
		}, false, nil},
		{"email in another case", func(d *customer.Details) { d.Email = "Pagos@ElTornillo.CO" }, false, nil},
		{"phone written another way", func(d *customer.Details) { d.Phone = "573001234567" }, false, nil},
		{"padded name", func(d *customer.Details) { d.Name = "  " + d.Name + " " }, false, nil},
		{"language with region", func(d *customer.Details) { d.Language = "es" }, false, nil},
		{
			"name changes", func(d *customer.Details) { d.Name = "Ferretería El Tornillo" }, true,
			func(t *testing.T, c *customer.Customer) {
				if c.Name() != "Ferretería El Tornillo" {
					t.Errorf("name = %q", c.Name())
				}
			},
		},
		{"email changes", func(d *customer.Details) { d.Email = "cartera@eltornillo.co" }, true, nil},
		{"email removed", func(d *customer.Details) { d.Email = "" }, true, nil},
		{
			"phone changes", func(d *customer.Details) { d.Phone = "+57 310 000 0000" }, true,
			func(t *testing.T, c *customer.Customer) {
				if c.Phone().String() != "+573100000000" {
					t.Errorf("phone = %q", c.Phone())
				}
			},
		},
		{"tax id changes", func(d *customer.Details) { d.TaxID = "900.123.456-8" }, true, nil},
		{"tag added", func(d *customer.Details) { d.Tags = append(d.Tags, "moroso") }, true, nil},
		{"tag removed", func(d *customer.Details) { d.Tags = d.Tags[:1] }, true, nil},
		{"language changes", func(d *customer.Details) { d.Language = "en" }, true, nil},
		{"metadata value changes", func(d *customer.Details) {
			d.Metadata = json.RawMessage(`{"segment": "retail", "credit_limit": 6000000}`)
		}, true, nil},
		{"metadata number written with more digits", func(d *customer.Details) {
			d.Metadata = json.RawMessage(`{"segment": "retail", "credit_limit": 5000000.5}`)
		}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, validDetails())
			d := validDetails()
			tt.edit(&d)
			changed, err := c.Sync(d, t1)
			if err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			wantUpdated := t0
			if tt.wantChanged {
				wantUpdated = t1
			}
			if !c.UpdatedAt().Equal(wantUpdated) || !c.CreatedAt().Equal(t0) {
				t.Errorf("updatedAt = %v createdAt = %v, want %v and %v", c.UpdatedAt(), c.CreatedAt(), wantUpdated, t0)
			}
			if c.ID() != customer.IDFor("C-1001") {
				t.Errorf("Sync changed the id")
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestSyncRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*customer.Details)
		wantCode string
	}{
		{"external id change", func(d *customer.Details) { d.ExternalID = "C-1002" }, "external_id_immutable"},
		{"invalid details", func(d *customer.Details) { d.Name = ""; d.Email = "x" }, "invalid_customer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, validDetails())
			d := validDetails()
			d.Name = "A new name that must not be applied"
			tt.edit(&d)
			changed, err := c.Sync(d, t1)
			de := domainErr(t, err)
			if de.Code() != tt.wantCode || de.Kind() != domain.KindInvalid {
				t.Errorf("error %q code %q kind %v, want %q", de, de.Code(), de.Kind(), tt.wantCode)
			}
			if changed {
				t.Errorf("changed = true on error")
			}
			if c.ExternalID() != "C-1001" || c.Name() != validDetails().Name || !c.UpdatedAt().Equal(t0) {
				t.Errorf("customer modified by a refused sync: %q %q %v", c.ExternalID(), c.Name(), c.UpdatedAt())
			}
		})
	}
}

func TestSyncExternalIDIgnoresPadding(t *testing.T) {
	t.Parallel()
	c := mustNew(t, validDetails())
	d := validDetails()
	d.ExternalID = " C-1001  "
	if changed, err := c.Sync(d, t1); err != nil || changed {
		t.Errorf("Sync with padded external id = %v, %v; want false, nil", changed, err)
	}
}

func TestIDFor(t *testing.T) {
	t.Parallel()
	a1, a2 := customer.IDFor("C-1001"), customer.IDFor("C-1001")
	if a1 != a2 {
		t.Errorf("IDFor is not stable: %v vs %v", a1, a2)
	}
	if a1 == uuid.Nil || a1.Version() != 5 {
		t.Errorf("IDFor = %v (version %d), want a UUIDv5", a1, a1.Version())
	}
	for _, other := range []string{"C-1002", "c-1001", "C-1001 ", ""} {
		if customer.IDFor(other) == a1 {
			t.Errorf("IDFor(%q) == IDFor(\"C-1001\")", other)
		}
	}
	// Two creations of one ERP record agree on the id.
	first, second := mustNew(t, validDetails()), mustNew(t, validDetails())
	if first.ID() != second.ID() {
		t.Errorf("two New calls gave different ids")
	}
}

func TestMetadataKeepsFullPrecision(t *testing.T) {
	t.Parallel()
	d := validDetails()
	d.Metadata = json.RawMessage(`{"credit_limit": 12345678901234567890.123, "erp_row": 9007199254740993, "rate": 0.1}`)
	c := mustNew(t, d)
	want := `{"credit_limit":12345678901234567890.123,"erp_row":9007199254740993,"rate":0.1}`
	if got := string(c.Metadata()); got != want {
		t.Errorf("Metadata = %s, want %s", got, want)
	}
	changed, err := c.Sync(d, t1)
	if err != nil || changed {
		t.Errorf("Sync with the same big numbers = %v, %v; want false, nil", changed, err)
	}
	d.Metadata = json.RawMessage(`{"credit_limit": 12345678901234567890.124, "erp_row": 9007199254740993, "rate": 0.1}`)
	if changed, err := c.Sync(d, t1); err != nil || !changed {
		t.Errorf("Sync with a change in the last decimal = %v, %v; want true, nil", changed, err)
	}
}

func TestUnmarshalFromDatabase(t *testing.T) {
	t.Parallel()
	id := uuid.MustParse("0d8f2a6e-3b1c-4e5f-9a7b-123456789abc")
	c, err := customer.UnmarshalFromDatabase(id, validDetails(), true, t0, t1)
	if err != nil {
		t.Fatalf("UnmarshalFromDatabase: %v", err)
	}
	if c.ID() != id || !c.OptedOut() || !c.CreatedAt().Equal(t0) || !c.UpdatedAt().Equal(t1) || c.Phone().String() != "+573001234567" {
		t.Errorf("rebuilt customer = %v %v %v %v %v", c.ID(), c.OptedOut(), c.CreatedAt(), c.UpdatedAt(), c.Phone())
	}
	if changed, err := c.Sync(validDetails(), t1.Add(time.Hour)); err != nil || changed {
		t.Errorf("Sync after rebuild = %v, %v; want false, nil", changed, err)
	}
	if !c.OptedOut() {
		t.Errorf("Sync cleared the opt-out")
	}
}
