package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports/mocks"
)

func TestListUsers(t *testing.T) {
	t.Parallel()
	users := mocks.NewUserRepository(t)
	want := []*user.User{storedUser(t, 0, time.Time{}), storedUser(t, 2, time.Time{})}
	users.EXPECT().List(mock.Anything).Return(want, nil).Once()
	got, err := application.NewListUsers(users).Handle(context.Background())
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
