// Package customer implements the Customer aggregate: the person or company
// that owes money, as the ERP knows it (external id) and as WhatsApp reaches
// it (phone).
package customer

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/phone"
)

// Errors returned by the customer aggregate.
var (
	ErrExternalIDChange  = domain.Errorf(domain.KindInvalid, "external_id_immutable", "external_id %q cannot change to %q")
	ErrInvalidExternalID = domain.Errorf(domain.KindInvalid, "invalid_external_id", "external_id is required and must be at most 255 characters")
	ErrInvalidName       = domain.Errorf(domain.KindInvalid, "invalid_name", "name is required and must be at most 255 characters")
	ErrInvalidEmail      = domain.Errorf(domain.KindInvalid, "invalid_email", "%q is not an email address")
	ErrInvalidLanguage   = domain.Errorf(domain.KindInvalid, "invalid_language", "language %q is not supported: use es, pt or en")
	ErrInvalidTag        = domain.Errorf(domain.KindInvalid, "invalid_tag", "tag %q must be 1 to 64 characters")
	ErrNotFound          = domain.Errorf(domain.KindNotFound, "customer_not_found", "customer %s not found")
)

// Language is one the console and messages speak.
type Language string

// The supported languages.
const (
	Spanish    Language = "es"
	Portuguese Language = "pt"
	English    Language = "en"
)

// ParseLanguage reads "es", "pt" or "en" (also "es-CO", "pt-BR", "en-US"); the
// empty string is Spanish, the organization's default.
func ParseLanguage(s string) (Language, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "" {
		return Spanish, nil
	}
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	switch Language(l) {
	case Spanish, Portuguese, English:
		return Language(l), nil
	}
	return "", ErrInvalidLanguage.New(s)
}

// Details are the fields an ERP owns and sends on every sync.
type Details struct {
	ExternalID string
	Name       string
	Email      string
	Phone      string
	TaxID      string
	Tags       []string
	Language   string
	Metadata   json.RawMessage
}

// validDetails is Details checked and normalized.
type validDetails struct {
	externalID string
	name       string
	email      string
	phone      phone.Number
	taxID      string
	tags       []string
	language   Language
	metadata   json.RawMessage
}

func (d Details) validate() (validDetails, error) {
	var problems []string
	var v validDetails
	add := func(err error) { problems = append(problems, err.Error()) }

	v.externalID = strings.TrimSpace(d.ExternalID)
	if v.externalID == "" || len(v.externalID) > 255 {
		add(ErrInvalidExternalID)
	}
	v.name = strings.TrimSpace(d.Name)
	if v.name == "" || len(v.name) > 255 {
		add(ErrInvalidName)
	}
	if e := strings.TrimSpace(d.Email); e != "" {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e {
			add(ErrInvalidEmail.New(d.Email))
		}
		v.email = strings.ToLower(e)
	}
	if p := strings.TrimSpace(d.Phone); p != "" {
		n, err := phone.Parse(p)
		if err != nil {
			add(err)
		}
		v.phone = n
	}
	v.taxID = strings.TrimSpace(d.TaxID)
	tags, err := normalizeTags(d.Tags)
	if err != nil {
		add(err)
	}
	v.tags = tags
	lang, err := ParseLanguage(d.Language)
	if err != nil {
		add(err)
	}
	v.language = lang
	meta, err := domain.NormalizeMetadata(d.Metadata)
	if err != nil {
		add(err)
	}
	v.metadata = meta

	if len(problems) > 0 {
		return validDetails{}, domain.Invalid("invalid_customer", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return v, nil
}

// NormalizeTags lowercases, trims, deduplicates and sorts tags, as customers store them.
func NormalizeTags(in []string) ([]string, error) { return normalizeTags(in) }

func normalizeTags(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || len(t) > 64 {
			return nil, ErrInvalidTag.New(t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Customer is someone who owes money to the organization.
type Customer struct {
	id         uuid.UUID
	externalID string
	name       string
	email      string
	phone      phone.Number
	taxID      string
	tags       []string
	language   Language
	metadata   json.RawMessage
	optedOut   bool
	createdAt  time.Time
	updatedAt  time.Time
}

// New creates a customer from an ERP record; its id is IDFor(external id).
func New(d Details, now time.Time) (*Customer, error) {
	v, err := d.validate()
	if err != nil {
		return nil, err
	}
	c := &Customer{id: IDFor(v.externalID), createdAt: now, updatedAt: now}
	c.set(v)
	return c, nil
}

func (c *Customer) set(v validDetails) {
	c.externalID, c.name, c.email, c.phone = v.externalID, v.name, v.email, v.phone
	c.taxID, c.tags, c.language, c.metadata = v.taxID, v.tags, v.language, v.metadata
}

// Sync replaces the ERP-owned fields with d. It reports whether anything
// changed; when nothing did, the customer (and its updated time) is untouched.
func (c *Customer) Sync(d Details, now time.Time) (changed bool, err error) {
	v, err := d.validate()
	if err != nil {
		return false, err
	}
	if v.externalID != c.externalID {
		return false, ErrExternalIDChange.New(c.externalID, v.externalID)
	}
	if v.externalID == c.externalID && v.name == c.name && v.email == c.email &&
		v.phone == c.phone && v.taxID == c.taxID && slices.Equal(v.tags, c.tags) &&
		v.language == c.language && bytes.Equal(v.metadata, c.metadata) {
		return false, nil
	}
	c.set(v)
	c.updatedAt = now
	return true, nil
}

// ID returns the customer's id in Saldo.
func (c *Customer) ID() uuid.UUID { return c.id }

// ExternalID returns the ERP's key for the customer.
func (c *Customer) ExternalID() string { return c.externalID }

// Name returns the customer's name.
func (c *Customer) Name() string { return c.name }

// Email returns the email address, lower case, or "".
func (c *Customer) Email() string { return c.email }

// Phone returns the phone number, or the zero Number.
func (c *Customer) Phone() phone.Number { return c.phone }

// TaxID returns the tax id (NIT, RFC, CPF/CNPJ, …) as given.
func (c *Customer) TaxID() string { return c.taxID }

// Tags returns the tags, lower case and sorted.
func (c *Customer) Tags() []string { return slices.Clone(c.tags) }

// Language returns the language to write to the customer in.
func (c *Customer) Language() Language { return c.language }

// Metadata returns the ERP's metadata as a canonical JSON object.
func (c *Customer) Metadata() json.RawMessage { return c.metadata }

// OptedOut reports whether the customer asked not to be messaged on WhatsApp.
func (c *Customer) OptedOut() bool { return c.optedOut }

// OptOut records that the customer asked not to be messaged on WhatsApp:
// no campaign and no reminder reaches them. It reports whether anything
// changed (opting out twice changes nothing).
func (c *Customer) OptOut(now time.Time) bool { return c.setOptOut(true, now) }

// OptIn records that the customer wants WhatsApp messages again. It reports
// whether anything changed.
func (c *Customer) OptIn(now time.Time) bool { return c.setOptOut(false, now) }

func (c *Customer) setOptOut(out bool, now time.Time) bool {
	if c.optedOut == out {
		return false
	}
	c.optedOut, c.updatedAt = out, now
	return true
}

// CreatedAt returns when Saldo first saw the customer.
func (c *Customer) CreatedAt() time.Time { return c.createdAt }

// UpdatedAt returns when the customer last changed.
func (c *Customer) UpdatedAt() time.Time { return c.updatedAt }

// UnmarshalFromDatabase rebuilds a stored customer. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, d Details, optedOut bool, createdAt, updatedAt time.Time) (*Customer, error) {
	v, err := d.validate()
	if err != nil {
		return nil, err
	}
	c := &Customer{id: id, optedOut: optedOut, createdAt: createdAt, updatedAt: updatedAt}
	c.set(v)
	return c, nil
}

// namespace derives customer ids from external ids.
var namespace = uuid.MustParse("6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01")

// IDFor returns the id Saldo gives the customer with an ERP external id. It
// is derived (UUIDv5), so two requests creating the same customer at once
// agree on its id.
func IDFor(externalID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(externalID))
}
