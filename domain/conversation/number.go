package conversation

import (
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// ErrNumberNotFound is returned for a business number Saldo does not know.
var ErrNumberNotFound = domain.Errorf(domain.KindNotFound, "number_not_found", "WhatsApp number %s is not configured")

// BusinessNumber is one of the organization's WhatsApp numbers.
type BusinessNumber struct {
	ID                uuid.UUID
	PhoneNumberID     string // Meta's id of the number
	BusinessAccountID string // the WhatsApp Business Account (WABA) it belongs to
	DisplayPhone      string
	DisplayName       string
	Color             string // #rrggbb, to tell numbers apart in the inbox
}

// NumberIDFor derives Saldo's id of a business number from Meta's id.
func NumberIDFor(phoneNumberID string) uuid.UUID {
	return uuid.NewSHA1(numberNamespace, []byte(strings.TrimSpace(phoneNumberID)))
}

var numberNamespace = uuid.MustParse("3c9a7f0e-54b1-4e8a-9f3d-2a6c1b7e9d03")
