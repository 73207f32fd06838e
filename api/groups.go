package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
)

// GroupDeps are the contact group and customer import use cases.
type GroupDeps struct {
	Manage  *application.ManageGroups
	Queries *application.GroupQueries
	Import  *application.ImportCustomers
}

func (h *handlers) groupRoutes(r *gin.Engine, read, write *gin.RouterGroup) {
	if h.Groups.Manage == nil {
		return
	}
	read.GET("/groups", h.listGroups)
	write.POST("/groups", h.createGroup)
	read.GET("/groups/:id", h.getGroup)
	write.PATCH("/groups/:id", h.updateGroup)
	write.DELETE("/groups/:id", h.deleteGroup)
	read.GET("/groups/:id/members", h.groupMembers)
	write.POST("/groups/:id/members", h.addGroupMembers)
	write.DELETE("/groups/:id/members", h.removeGroupMembers)
	h.importRoutes(r, read)
}

// Group is a contact group.
type Group struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name" example:"Morosos 30+"`
	Description string    `json:"description" example:"Clientes con facturas vencidas hace más de 30 días"`
	Members     *int      `json:"members,omitempty" example:"42"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
} // @name Group

func groupDTO(g *group.Group, members *int) Group {
	return Group{ID: g.ID(), Name: g.Name(), Description: g.Description(), Members: members, CreatedAt: g.CreatedAt(), UpdatedAt: g.UpdatedAt()}
}

// GroupList is every contact group, by name.
type GroupList struct {
	Items []Group `json:"items"`
} // @name GroupList

// GroupInput creates or edits a group. Names are 1 to 80 characters and
// unique whatever their case.
type GroupInput struct {
	Name        string  `json:"name" example:"Morosos 30+"`
	Description *string `json:"description,omitempty" example:"Clientes con facturas vencidas hace más de 30 días"`
} // @name GroupInput

// GroupMembersInput names customers by Saldo id, by the ERP's external id,
// or both (1 to 1,000 in all).
type GroupMembersInput struct {
	CustomerIDs []string `json:"customer_ids" example:"6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01"`
	ExternalIDs []string `json:"external_ids" example:"C-1001"`
} // @name GroupMembersInput

// GroupMembersChange says how many memberships a request changed.
type GroupMembersChange struct {
	Added   int `json:"added" example:"2"`
	Removed int `json:"removed" example:"0"`
} // @name GroupMembersChange

func (in GroupMembersInput) refs() (application.MemberRefs, error) {
	refs := application.MemberRefs{ExternalIDs: in.ExternalIDs}
	for _, s := range in.CustomerIDs {
		id, err := uuid.Parse(s)
		if err != nil {
			return refs, errBadRequest("invalid_id", errors.New("customer_ids must be UUIDs; "+s+" is not one (use external_ids for the ERP's ids)"))
		}
		refs.CustomerIDs = append(refs.CustomerIDs, id)
	}
	return refs, nil
}

// listGroups godoc
//
//	@Summary	List contact groups with their member counts
//	@Tags		groups
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	GroupList
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/groups [get]
func (h *handlers) listGroups(c *gin.Context) {
	items, err := h.Groups.Queries.List(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := GroupList{Items: make([]Group, len(items))}
	for i, it := range items {
		n := it.Members
		out.Items[i] = groupDTO(it.Group, &n)
	}
	c.JSON(http.StatusOK, out)
}

// createGroup godoc
//
//	@Summary		Create a contact group
//	@Description	A name another group has, whatever its case, is refused with 409.
//	@Tags			groups
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			group	body		GroupInput	true	"the group"
//	@Success		201		{object}	Group
//	@Failure		400		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/groups [post]
func (h *handlers) createGroup(c *gin.Context) {
	var in GroupInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	g, err := h.Groups.Manage.Create(c.Request.Context(), in.Name, desc)
	if err != nil {
		_ = c.Error(err)
		return
	}
	zero := 0
	c.Header("Location", "/api/v1/groups/"+g.ID().String())
	c.JSON(http.StatusCreated, groupDTO(g, &zero))
}

// getGroup godoc
//
//	@Summary	Get a contact group
//	@Tags		groups
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"group id (UUID)"
//	@Success	200	{object}	Group
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/groups/{id} [get]
func (h *handlers) getGroup(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	g, err := h.Groups.Queries.Get(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, groupDTO(g, nil))
}

// updateGroup godoc
//
//	@Summary		Rename a contact group or change its description
//	@Description	A description left out keeps the current one.
//	@Tags			groups
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string		true	"group id (UUID)"
//	@Param			group	body		GroupInput	true	"the new name and description"
//	@Success		200		{object}	Group
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/groups/{id} [patch]
func (h *handlers) updateGroup(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in GroupInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	var desc string
	if in.Description != nil {
		desc = *in.Description
	} else {
		g, err := h.Groups.Queries.Get(ctx, id)
		if err != nil {
			_ = c.Error(err)
			return
		}
		desc = g.Description()
	}
	g, err := h.Groups.Manage.Update(ctx, id, in.Name, desc)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, groupDTO(g, nil))
}

// deleteGroup godoc
//
//	@Summary		Delete a contact group
//	@Description	The customers stay; only their membership of the group goes.
//	@Tags			groups
//	@Security		BearerAuth
//	@Param			id	path	string	true	"group id (UUID)"
//	@Success		204
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/groups/{id} [delete]
func (h *handlers) deleteGroup(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	if err := h.Groups.Manage.Delete(c.Request.Context(), id); err != nil {
		_ = c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// groupMembers godoc
//
//	@Summary	List a group's customers
//	@Tags		groups
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"group id (UUID)"
//	@Param		limit	query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	CustomerPage
//	@Failure	400		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/groups/{id}/members [get]
func (h *handlers) groupMembers(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, more, err := h.Groups.Queries.Members(c.Request.Context(), id, p)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out CustomerPage
	out.Items, out.NextCursor = pageItems(items, more, (*customer.Customer).ID, customerDTO)
	c.JSON(http.StatusOK, out)
}

// addGroupMembers godoc
//
//	@Summary		Add customers to a group
//	@Description	Customers already in the group are passed over, so the same request twice adds nothing the second time. Unknown customers refuse the whole request with 422, listing them.
//	@Tags			groups
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"group id (UUID)"
//	@Param			members	body		GroupMembersInput	true	"the customers"
//	@Success		200		{object}	GroupMembersChange
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/groups/{id}/members [post]
func (h *handlers) addGroupMembers(c *gin.Context) {
	h.changeMembers(c, true)
}

// removeGroupMembers godoc
//
//	@Summary		Remove customers from a group
//	@Description	Customers not in the group are passed over. Unknown customers refuse the whole request with 422, listing them.
//	@Tags			groups
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"group id (UUID)"
//	@Param			members	body		GroupMembersInput	true	"the customers"
//	@Success		200		{object}	GroupMembersChange
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/groups/{id}/members [delete]
func (h *handlers) removeGroupMembers(c *gin.Context) {
	h.changeMembers(c, false)
}

func (h *handlers) changeMembers(c *gin.Context, add bool) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in GroupMembersInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	refs, err := in.refs()
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out GroupMembersChange
	if add {
		out.Added, err = h.Groups.Manage.AddMembers(c.Request.Context(), id, refs)
	} else {
		out.Removed, err = h.Groups.Manage.RemoveMembers(c.Request.Context(), id, refs)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, out)
}
