package console

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

func (c *console) groupRoutes(r *gin.Engine, g *gin.RouterGroup) {
	if c.Groups == nil {
		return
	}
	g.GET("/groups", c.groupsPage)
	g.POST("/groups", c.createGroup)
	g.GET("/groups/:id", c.groupPage)
	g.POST("/groups/:id/edit", c.editGroup)
	g.POST("/groups/:id/delete", c.deleteGroup)
	g.POST("/groups/:id/members/add", c.addMembers)
	g.POST("/groups/:id/members/remove", c.removeMembers)
	c.importRoutes(r, g)
}

// finance lets owners and managers through; agents get 403.
func (c *console) finance(ctx *gin.Context) bool {
	if u, _ := viewer(ctx); u == nil || !u.CanSeeReports() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		return false
	}
	return true
}

// GroupsView is the groups list.
type GroupsView struct {
	Groups []ports.GroupSummary
	Error  string
	Name   string // what was typed, when refused
}

func (c *console) groupsPage(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	c.renderGroups(ctx, http.StatusOK, GroupsView{})
}

func (c *console) renderGroups(ctx *gin.Context, status int, v GroupsView) {
	groups, err := c.Groups.List(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Groups = groups
	c.render(ctx, status, "groups.html", c.page(ctx, "groups", T(c.lang(ctx), "groups"), v))
}

func (c *console) createGroup(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	g, err := c.ManageGroups.Create(ctx.Request.Context(), ctx.PostForm("name"), ctx.PostForm("description"))
	if err != nil {
		if isInternal(err) {
			c.fail(ctx, err)
			return
		}
		c.renderGroups(ctx, http.StatusUnprocessableEntity, GroupsView{Error: c.explainGroup(ctx, err), Name: ctx.PostForm("name")})
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/groups/"+g.ID().String())
}

// GroupView is a group's page: its members, and customers to add.
type GroupView struct {
	Group   *group.Group
	Members []*customer.Customer
	Next    string
	Search  string
	Found   []*customer.Customer // search results to add
	InGroup map[uuid.UUID]bool   // which of Found are members already
	Error   string
	Notice  string
}

func (c *console) groupID(ctx *gin.Context) (uuid.UUID, bool) {
	if !c.finance(ctx) {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return uuid.Nil, false
	}
	return id, true
}

func (c *console) groupPage(ctx *gin.Context) {
	id, ok := c.groupID(ctx)
	if !ok {
		return
	}
	c.renderGroup(ctx, http.StatusOK, id, ctx.Query("error"), ctx.Query("notice"))
}

func (c *console) renderGroup(ctx *gin.Context, status int, id uuid.UUID, errMsg, notice string) {
	rctx := ctx.Request.Context()
	g, err := c.Groups.Get(rctx, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := GroupView{Group: g, Search: strings.TrimSpace(ctx.Query("q")), Error: errMsg, Notice: notice}
	p := ports.Page{Limit: 50}
	if s := ctx.Query("after"); s != "" {
		p.After, _ = uuid.Parse(s)
	}
	members, more, err := c.Groups.Members(rctx, id, p)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Members = members
	if more && len(members) > 0 {
		v.Next = members[len(members)-1].ID().String()
	}
	if v.Search != "" {
		found, _, err := c.ListCustomers.Handle(rctx, ports.CustomerFilter{Search: v.Search, Page: ports.Page{Limit: 20}})
		if err != nil {
			c.fail(ctx, err)
			return
		}
		v.Found, v.InGroup = found, map[uuid.UUID]bool{}
		for _, f := range found {
			groups, err := c.Groups.OfCustomer(rctx, f.ID())
			if err != nil {
				c.fail(ctx, err)
				return
			}
			for _, og := range groups {
				if og.ID() == id {
					v.InGroup[f.ID()] = true
				}
			}
		}
	}
	c.render(ctx, status, "groups_detail.html", c.page(ctx, "groups", g.Name(), v))
}

func (c *console) editGroup(ctx *gin.Context) {
	id, ok := c.groupID(ctx)
	if !ok {
		return
	}
	_, err := c.ManageGroups.Update(ctx.Request.Context(), id, ctx.PostForm("name"), ctx.PostForm("description"))
	c.afterGroupChange(ctx, id, err, "saved")
}

func (c *console) deleteGroup(ctx *gin.Context) {
	id, ok := c.groupID(ctx)
	if !ok {
		return
	}
	if err := c.ManageGroups.Delete(ctx.Request.Context(), id); err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/groups")
}

// memberRefs reads the customer ids a members form posts.
func memberRefs(ctx *gin.Context) application.MemberRefs {
	var refs application.MemberRefs
	for _, s := range ctx.PostFormArray("customer_id") {
		if id, err := uuid.Parse(s); err == nil {
			refs.CustomerIDs = append(refs.CustomerIDs, id)
		}
	}
	return refs
}

func (c *console) addMembers(ctx *gin.Context) {
	id, ok := c.groupID(ctx)
	if !ok {
		return
	}
	n, err := c.ManageGroups.AddMembers(ctx.Request.Context(), id, memberRefs(ctx))
	c.afterGroupChange(ctx, id, err, T(c.lang(ctx), "members_added", n))
}

func (c *console) removeMembers(ctx *gin.Context) {
	id, ok := c.groupID(ctx)
	if !ok {
		return
	}
	n, err := c.ManageGroups.RemoveMembers(ctx.Request.Context(), id, memberRefs(ctx))
	c.afterGroupChange(ctx, id, err, T(c.lang(ctx), "members_removed", n))
}

// afterGroupChange goes back to the group page with what happened.
func (c *console) afterGroupChange(ctx *gin.Context, id uuid.UUID, err error, notice string) {
	back := "/groups/" + id.String()
	if q := strings.TrimSpace(ctx.PostForm("q")); q != "" {
		back += "?q=" + urlEscape(q) + "&"
	} else {
		back += "?"
	}
	if err != nil {
		if isInternal(err) || isNotFound(err) {
			c.fail(ctx, err)
			return
		}
		ctx.Redirect(http.StatusSeeOther, back+"error="+urlEscape(c.explainGroup(ctx, err)))
		return
	}
	if notice == "saved" {
		notice = T(c.lang(ctx), "saved")
	}
	ctx.Redirect(http.StatusSeeOther, back+"notice="+urlEscape(notice))
}

// explainGroup says why a group change was refused, in the viewer's language.
func (c *console) explainGroup(ctx *gin.Context, err error) string {
	return explain(c.lang(ctx), err)
}

// customerGroups returns the groups a customer is in, for the customer
// page; none when groups are not wired.
func (c *console) customerGroups(ctx *gin.Context, customerID uuid.UUID) ([]*group.Group, error) {
	if c.Groups == nil {
		return nil, nil
	}
	return c.Groups.OfCustomer(ctx.Request.Context(), customerID)
}

func isInternal(err error) bool { return domain.KindOf(err) == domain.KindInternal }

func isNotFound(err error) bool { return domain.KindOf(err) == domain.KindNotFound }
