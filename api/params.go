package api

import (
	"encoding/base64"
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// bindJSON reads the body into v; a malformed body is a 400 that says why.
func bindJSON(c *gin.Context, v any) error {
	if err := c.ShouldBindJSON(v); err != nil {
		return bindError(err)
	}
	return nil
}

// pathID reads a UUID path parameter.
func pathID(c *gin.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, errBadRequest("invalid_id", errors.New(name+" must be a UUID"))
	}
	return id, nil
}

// page reads the cursor and limit query parameters. A cursor is the opaque
// next_cursor of the previous page.
func page(c *gin.Context) (ports.Page, error) {
	var p ports.Page
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return p, errBadRequest("invalid_limit", errors.New("limit must be a whole number from 1 to 500"))
		}
		p.Limit = n
	}
	if s := c.Query("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err == nil {
			p.After, err = uuid.FromBytes(b)
		}
		if err != nil {
			return p, errBadRequest("invalid_cursor", errors.New("cursor must be the next_cursor of a previous page"))
		}
	}
	return p, nil
}

// nextCursor returns the cursor after the last id, when more pages follow.
// knownCustomer reads the {id} of a customer that must exist (Saldo's id or
// the ERP's external id) and the page parameters, for the lists of one
// customer's things.
func (h *handlers) knownCustomer(c *gin.Context) (uuid.UUID, ports.Page, error) {
	id, err := refID(c, customer.IDFor)
	if err != nil {
		return uuid.Nil, ports.Page{}, err
	}
	p, err := page(c)
	if err != nil {
		return uuid.Nil, ports.Page{}, err
	}
	if _, err := h.Lookups.Customer(c.Request.Context(), id); err != nil {
		return uuid.Nil, ports.Page{}, err
	}
	return id, p, nil
}

// mapItems maps items to their DTOs.
func mapItems[T, D any](items []T, dto func(T) D) []D {
	out := make([]D, len(items))
	for i, it := range items {
		out[i] = dto(it)
	}
	return out
}

// pageItems maps a page of items to their DTOs and returns them with the
// cursor of the next page ("" on the last page).
func pageItems[T, D any](items []T, more bool, id func(T) uuid.UUID, dto func(T) D) ([]D, string) {
	out := mapItems(items, dto)
	if len(items) == 0 {
		return out, ""
	}
	return out, nextCursor(more, id(items[len(items)-1]))
}

func nextCursor(more bool, last uuid.UUID) string {
	if !more {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(last[:])
}
