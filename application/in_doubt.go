package application

import (
	"context"
	"time"

	"github.com/saldocrm/saldo/ports"
)

// resendableBefore returns the time before which a send whose outcome is
// unknown (the sender timed out or died after handing it to WhatsApp) may
// be sent again. WhatsApp's status webhooks name the send (its
// biz_opaque_callback_data) and arrive within grace; they must also have
// been applied. With webhooks received at P still waiting, only sends
// claimed a grace before P are known to have had theirs applied. Events
// that failed once are not waited for: they fail for reasons of their own.
func resendableBefore(ctx context.Context, inbox ports.WebhookInbox, now time.Time, grace time.Duration) (time.Time, error) {
	cutoff := now
	oldest, err := inbox.OldestWaiting(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if !oldest.IsZero() && oldest.Before(cutoff) {
		cutoff = oldest
	}
	return cutoff.Add(-grace), nil
}
