package whatsapp

import (
	"context"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// Unconfigured stands in for the Cloud API client when no access token is
// set: every call fails, without retries, saying what to configure.
type Unconfigured struct{}

var (
	_ ports.MessagingGateway = Unconfigured{}
	_ ports.TemplateCatalog  = Unconfigured{}
)

func errUnconfigured() error {
	return &ports.SendError{Failure: conversation.Failure{Title: "WhatsApp is not configured", Detail: "set WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID"}}
}

// Send implements ports.MessagingGateway.
func (Unconfigured) Send(context.Context, conversation.BusinessNumber, string, conversation.Content, string) (string, error) {
	return "", errUnconfigured()
}

// MarkRead implements ports.MessagingGateway.
func (Unconfigured) MarkRead(context.Context, conversation.BusinessNumber, string) error {
	return errUnconfigured()
}

// List implements ports.TemplateCatalog.
func (Unconfigured) List(context.Context, string) ([]ports.RemoteTemplate, error) {
	return nil, errUnconfigured()
}

// Create implements ports.TemplateCatalog.
func (Unconfigured) Create(context.Context, string, template.Details) (string, error) {
	return "", errUnconfigured()
}

// Delete implements ports.TemplateCatalog.
func (Unconfigured) Delete(context.Context, string, string, string) error { return errUnconfigured() }
