package money_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saldocrm/saldo/domain/money"
)

func TestAmountsBeyondWhatIsStoredAreRefused(t *testing.T) {
	t.Parallel()
	_, err := money.Parse("1e17", "COP")
	assert.ErrorIs(t, err, money.ErrTooLarge)
	_, err = money.Parse("-1000000000000000", "USD")
	assert.ErrorIs(t, err, money.ErrTooLarge)
	m, err := money.Parse("999999999999999.99", "COP")
	assert.NoError(t, err)
	assert.Equal(t, "999999999999999.99", m.StringFixed())
}
