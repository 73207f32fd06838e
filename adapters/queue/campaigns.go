package queue

import (
	"context"

	"github.com/hibiken/asynq"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/ports"
)

// CampaignHandlers are the campaign use cases the worker runs.
type CampaignHandlers struct {
	Start    *application.StartCampaign
	Dispatch *application.DispatchCampaign
}

// RegisterCampaigns routes the campaign tasks.
func RegisterCampaigns(mux *asynq.ServeMux, h CampaignHandlers) {
	mux.HandleFunc(ports.JobStartCampaign, func(ctx context.Context, t *asynq.Task) error {
		id, err := ref(t)
		if err != nil {
			return err
		}
		_, err = h.Start.Handle(ctx, id)
		return classify(err)
	})
	mux.HandleFunc(ports.JobDispatchCampaign, func(ctx context.Context, t *asynq.Task) error {
		id, err := ref(t)
		if err != nil {
			return err
		}
		_, err = h.Dispatch.Handle(ctx, id)
		return classify(err)
	})
}
