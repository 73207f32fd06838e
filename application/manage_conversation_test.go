package application_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports/mocks"
)

func TestTakingAConversationSomeoneElseTookIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(2)
	conv, err := conversation.Start(uuid.New(), uuid.New(), "573001234567", "María", now)
	require.NoError(t, err)
	ana, diego := uuid.New(), uuid.New()
	conversations := mocks.NewConversationRepository(t)
	messages := mocks.NewMessageRepository(t)
	w.repos.EXPECT().Conversations().Return(conversations).Maybe()
	w.repos.EXPECT().Messages().Return(messages).Maybe()
	conversations.EXPECT().Lock(mock.Anything, conv.ID()).Return(conv, nil)
	messages.EXPECT().Add(mock.Anything, mock.Anything).Return(true, nil).Once()
	conversations.EXPECT().Save(mock.Anything, conv).Return(nil).Once() // only Ana's take is saved
	manage := application.NewManageConversation(w.uow, w.customers, mocks.NewUserRepository(t), w.clock)

	_, err = manage.Take(context.Background(), conv.ID(), ana)
	require.NoError(t, err)
	assert.Equal(t, ana, conv.AssigneeID())

	_, err = manage.Take(context.Background(), conv.ID(), diego)
	require.ErrorIs(t, err, application.ErrTaken)
	assert.Equal(t, ana, conv.AssigneeID())
}
