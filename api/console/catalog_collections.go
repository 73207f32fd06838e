package console

// collectionsStrings are the collections card's strings: promises to pay,
// disputes, WhatsApp opt-out (es, pt, en).
var collectionsStrings = map[string][3]string{
	"col_promise":             {"Promesa de pago", "Promessa de pagamento", "Promise to pay"},
	"col_no_promise":          {"Sin promesa de pago.", "Sem promessa de pagamento.", "No promise to pay."},
	"col_promise_pending":     {"Pendiente", "Pendente", "Pending"},
	"col_promise_kept":        {"Cumplida", "Cumprida", "Kept"},
	"col_promise_broken":      {"Incumplida", "Descumprida", "Broken"},
	"col_promise_cancelled":   {"Cancelada", "Cancelada", "Cancelled"},
	"col_paused_until":        {"Recordatorios en pausa hasta el %s.", "Lembretes pausados até %s.", "Reminders paused until %s."},
	"col_record_promise":      {"Registrar promesa", "Registrar promessa", "Record promise"},
	"col_cancel_promise":      {"Cancelar promesa", "Cancelar promessa", "Cancel promise"},
	"col_amount":              {"Monto", "Valor", "Amount"},
	"col_currency":            {"Moneda", "Moeda", "Currency"},
	"col_date":                {"Fecha", "Data", "Date"},
	"col_note":                {"Nota", "Observação", "Note"},
	"col_disputes":            {"Facturas en disputa", "Faturas contestadas", "Disputed invoices"},
	"col_no_disputes":         {"Ninguna factura en disputa.", "Nenhuma fatura contestada.", "No disputed invoices."},
	"col_dispute":             {"Disputar factura", "Contestar fatura", "Dispute invoice"},
	"col_disputed":            {"En disputa", "Contestada", "Disputed"},
	"col_invoice":             {"Factura", "Fatura", "Invoice"},
	"col_reason":              {"Motivo", "Motivo", "Reason"},
	"col_resolution":          {"Resolución", "Resolução", "Resolution"},
	"col_resolve":             {"Resolver", "Resolver", "Resolve"},
	"col_receives":            {"Recibe mensajes", "Recebe mensagens", "Receives messages"},
	"col_opted_out":           {"Dado de baja", "Descadastrado", "Opted out"},
	"col_opt_out":             {"Dar de baja", "Descadastrar", "Opt out"},
	"col_opt_in":              {"Volver a dar de alta", "Cadastrar de novo", "Opt back in"},
	"event_opted_out":         {"El cliente se dio de baja de WhatsApp", "O cliente se descadastrou do WhatsApp", "Customer opted out of WhatsApp"},
	"event_opted_in":          {"El cliente volvió a darse de alta en WhatsApp", "O cliente voltou a se cadastrar no WhatsApp", "Customer opted back in to WhatsApp"},
	"err_invalid_promise":     {"Revise la promesa: monto mayor que cero, fecha de hoy en adelante y nota de hasta 500 caracteres.", "Revise a promessa: valor maior que zero, data de hoje em diante e observação de até 500 caracteres.", "Check the promise: an amount above zero, a date from today on and a note of at most 500 characters."},
	"err_invalid_amount":      {"Escriba el monto como un número, p. ej. 1250000,50.", "Escreva o valor como um número, p. ex. 1250,50.", "Type the amount as a number, e.g. 1250.50."},
	"err_amount_too_precise":  {"El monto tiene más decimales de los que admite la moneda.", "O valor tem mais casas decimais do que a moeda permite.", "The amount has more decimals than the currency allows."},
	"err_unknown_currency":    {"La moneda no es un código ISO 4217 (COP, MXN, BRL, USD…).", "A moeda não é um código ISO 4217 (COP, MXN, BRL, USD…).", "The currency is not an ISO 4217 code (COP, MXN, BRL, USD…)."},
	"err_invalid_date":        {"Elija una fecha válida.", "Escolha uma data válida.", "Choose a valid date."},
	"err_promise_not_pending": {"La promesa ya no está pendiente.", "A promessa não está mais pendente.", "The promise is no longer pending."},
	"err_missing_reason":      {"Escriba el motivo de la disputa.", "Escreva o motivo da contestação.", "Type the reason for the dispute."},
	"err_reason_too_long":     {"El motivo admite hasta 500 caracteres.", "O motivo aceita até 500 caracteres.", "The reason takes at most 500 characters."},
	"err_resolution_too_long": {"La resolución admite hasta 500 caracteres.", "A resolução aceita até 500 caracteres.", "The resolution takes at most 500 characters."},
	"err_already_disputed":    {"La factura ya está en disputa.", "A fatura já está contestada.", "The invoice is already disputed."},
	"err_dispute_not_open":    {"La disputa ya está resuelta.", "A contestação já está resolvida.", "The dispute is already resolved."},
	"err_invoice_not_open":    {"Solo se pueden disputar facturas abiertas.", "Só faturas em aberto podem ser contestadas.", "Only open invoices can be disputed."},
	"err_not_linked":          {"Vincule la conversación a un cliente primero.", "Vincule a conversa a um cliente primeiro.", "Link the conversation to a customer first."},
}

func init() {
	for k, v := range collectionsStrings {
		catalog[k] = v
	}
}
