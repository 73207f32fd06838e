package customer_test

import (
	"testing"

	"github.com/saldocrm/saldo/domain/customer"
)

func TestKeywordsMatchTheWholeMessage(t *testing.T) {
	t.Parallel()
	k := customer.DefaultKeywords()
	tests := []struct {
		text string
		want customer.Intent
	}{
		{"STOP", customer.OptOutIntent},
		{"  STOP  ", customer.OptOutIntent},
		{"stop", customer.OptOutIntent},
		{"Baja", customer.OptOutIntent},
		{"Bája", customer.OptOutIntent},
		{"BAJA!!", customer.OptOutIntent},
		{"¡Baja!", customer.OptOutIntent},
		{"parar.", customer.OptOutIntent},
		{"Sair", customer.OptOutIntent},
		{"cancelar\n", customer.OptOutIntent},
		{"CANCELÁR?", customer.OptOutIntent},
		{"start", customer.OptInIntent},
		{"Alta.", customer.OptInIntent},
		{"no quiero cancelar la factura", customer.NoIntent},
		{"stop sending me this", customer.NoIntent},
		{"bajar", customer.NoIntent},
		{"baja la factura", customer.NoIntent},
		{"", customer.NoIntent},
		{"...", customer.NoIntent},
		{"Hola, ya pagué", customer.NoIntent},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := k.Match(tt.text); got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestKeywordsAreConfigurable(t *testing.T) {
	t.Parallel()
	k := customer.NewKeywords(customer.SplitKeywords(" Não quero , DESCADASTRAR,,"), customer.SplitKeywords("VOLTAR, descadastrar"))
	tests := []struct {
		text string
		want customer.Intent
	}{
		{"nao quero", customer.OptOutIntent},
		{"NÃO   QUERO.", customer.OptOutIntent},
		{"descadastrar", customer.OptOutIntent}, // in both lists: opting out wins
		{"voltar", customer.OptInIntent},
		{"stop", customer.NoIntent}, // the defaults are replaced
	}
	for _, tt := range tests {
		if got := k.Match(tt.text); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestOptOutAndBack(t *testing.T) {
	t.Parallel()
	c := mustNew(t, validDetails())
	if !c.OptOut(t1) || !c.OptedOut() || !c.UpdatedAt().Equal(t1) {
		t.Fatalf("OptOut: opted out %v updated %v", c.OptedOut(), c.UpdatedAt())
	}
	if c.OptOut(t1) {
		t.Error("opting out twice reported a change")
	}
	// An ERP sync leaves the customer's choice alone.
	d := validDetails()
	d.Name = "Nuevo nombre"
	if changed, err := c.Sync(d, t1); err != nil || !changed || !c.OptedOut() {
		t.Errorf("Sync: %v %v, opted out %v", changed, err, c.OptedOut())
	}
	if !c.OptIn(t1) || c.OptedOut() || c.OptIn(t1) {
		t.Error("OptIn did not opt back in exactly once")
	}
}
