// Package application holds Saldo's use cases: one file per command or
// query. A use case takes ports, works on domain values and returns them; it
// knows nothing of HTTP, SQL or queues.
package application

import (
	"time"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Org is what the use cases need to know of the organization.
type Org struct {
	Location *time.Location // dates (due, overdue, aging) are days here
	Currency money.Currency // the default currency
	Language string         // es, pt or en: what summaries are written in
}

// Today returns the organization's calendar day at instant now.
func (o Org) Today(now time.Time) date.Date { return date.Of(now, o.Location) }

// DefaultPageSize and MaxPageSize bound list queries.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

func pageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}

// must panics when a dependency is missing: wiring mistakes surface at start-up.
func must(deps ...any) {
	for _, d := range deps {
		if d == nil {
			panic("application: nil dependency")
		}
	}
}
