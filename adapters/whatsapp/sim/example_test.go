package sim_test

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

// A `saldo sim` command runs the simulator next to Saldo: Saldo's WhatsApp
// adapter points its Graph base URL at http://127.0.0.1:8081 with the same
// token, app secret and ids, and the customer's phone is at that address too.
func ExampleSimulator_Run() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := sim.New(sim.Config{
		Addr:              "127.0.0.1:8081",
		GraphVersion:      "v21.0",
		AccessToken:       "dev-token",
		AppSecret:         "dev-app-secret",
		VerifyToken:       "dev-verify-token",
		WebhookURL:        "http://127.0.0.1:8080/webhooks/whatsapp",
		PhoneNumberID:     "106540352242922",
		DisplayPhone:      "15550783881",
		BusinessAccountID: "102290129340398",
		StatusDelay:       300 * time.Millisecond,
		ReadReceipts:      true,
		FailingNumbers:    []string{"573009999999"},
		Log:               slog.Default(),
	})
	if err != nil {
		slog.Error("whatsapp simulator", "error", err)
		return
	}
	if err := s.Run(ctx); err != nil {
		slog.Error("whatsapp simulator", "error", err)
	}
}
