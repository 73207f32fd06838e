package secretbox

import (
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// Disabled stands in for a box when SALDO_SECRET_KEY is not set: nothing
// can be sealed, so no secret is ever stored in the clear.
type Disabled struct{}

var _ ports.SecretBox = Disabled{}

var errNoKey = domain.Errorf(domain.KindInvalid, "no_secret_key", "set SALDO_SECRET_KEY (32 characters or more) to store secrets such as API keys")

// Seal implements ports.SecretBox.
func (Disabled) Seal([]byte) ([]byte, error) { return nil, errNoKey }

// Open implements ports.SecretBox.
func (Disabled) Open([]byte) ([]byte, error) { return nil, errNoKey }
