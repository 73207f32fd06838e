package dunning

import (
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/money"
)

// Why a customer who reached a step gets no reminder.
const (
	SkipPaid         = "paid"            // nothing is owed any more on the invoices that reached the step
	SkipDisputed     = "disputed"        // what is owed is disputed
	SkipOptedOut     = "opted_out"       // the customer asked for no WhatsApp messages
	SkipNoPhone      = "no_phone"        // no usable WhatsApp number
	SkipPromise      = "promise_pending" // a promise to pay pauses reminders until its date
	SkipAgentActive  = "agent_active"    // an agent talked with the customer in the last 24 hours
	SkipBelowMinimum = "below_minimum"   // the balance is under the step's minimum
	SkipNotReady     = "template_unavailable"
	SkipNotInPolicy  = "step_removed" // the step left the policy after the reminder was planned
)

// SkipReasons lists the reasons in the order they are checked and shown.
func SkipReasons() []string {
	return []string{SkipPaid, SkipDisputed, SkipOptedOut, SkipNoPhone, SkipPromise, SkipAgentActive, SkipBelowMinimum, SkipNotReady, SkipNotInPolicy}
}

// Standing is what decides whether a customer who reached a step gets it:
// their invoices due by the step (those whose due date plus the step's
// offset is today or earlier) and their situation.
type Standing struct {
	Due            []money.Money // undisputed open balance due by the step, per currency
	Disputed       bool          // some open balance due by the step is disputed
	OptedOut       bool
	HasPhone       bool
	PromisePending bool // a pending promise whose date is today or later
	AgentActive    bool // a conversation with an agent active in the last 24 hours
}

// Owes reports whether an undisputed balance is due by the step.
func (s Standing) Owes() bool {
	for _, m := range s.Due {
		if m.IsPositive() {
			return true
		}
	}
	return false
}

// Skip returns why the customer gets no reminder at step s, or "".
func (s Step) Skip(st Standing) string {
	switch {
	case !st.Owes() && st.Disputed:
		return SkipDisputed
	case !st.Owes():
		return SkipPaid
	case st.OptedOut && s.Kind != Escalate:
		return SkipOptedOut
	case !st.HasPhone && s.Kind != Escalate:
		return SkipNoPhone
	case st.PromisePending:
		return SkipPromise
	case st.AgentActive:
		return SkipAgentActive
	case s.belowMinimum(st.Due):
		return SkipBelowMinimum
	}
	return ""
}

// belowMinimum compares the minimum with the balance due in its currency;
// balances in other currencies pass.
func (s Step) belowMinimum(due []money.Money) bool {
	if !s.MinBalance.IsPositive() {
		return false
	}
	for _, m := range due {
		if m.SameCurrency(s.MinBalance) {
			c, _ := m.Cmp(s.MinBalance)
			return c < 0
		}
	}
	return false
}

// Messages reports whether the step sends a template (not an escalation).
func (s Step) Messages() bool { return s.Kind != Escalate }

// NeedsLink reports whether the step's message carries a fresh payment link.
func (s Step) NeedsLink() bool { return campaign.NeedsPaymentLink(s.Variables) }
