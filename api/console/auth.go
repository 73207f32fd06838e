package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
)

const (
	sessionCookie = "saldo_session"
	loginCookie   = "saldo_login_csrf" // double-submit token of the sign-in form, before any session exists
	viewerKey     = "console_user"
	sessionKey    = "console_session"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// securityHeaders keeps the console out of frames and scripts to its own.
func securityHeaders(ctx *gin.Context) {
	h := ctx.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

func viewer(ctx *gin.Context) (*user.User, user.Session) {
	u, _ := ctx.Get(viewerKey)
	s, _ := ctx.Get(sessionKey)
	uu, _ := u.(*user.User)
	ss, _ := s.(user.Session)
	return uu, ss
}

func (c *console) setCookie(ctx *gin.Context, name, value string, maxAge int) {
	//nolint:gosec // HttpOnly and SameSite always; Secure whenever the console is served over https (SALDO_BASE_URL)
	http.SetCookie(ctx.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: c.SecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// LoginView is the sign-in form's data.
type LoginView struct {
	Email string
	Error string
	Next  string
}

func (c *console) loginPage(ctx *gin.Context) {
	securityHeaders(ctx)
	token := randomToken()
	c.setCookie(ctx, loginCookie, token, 3600)
	l := parseLang(ctx.Query("lang"))
	if l == ES {
		l = acceptLanguage(ctx.GetHeader("Accept-Language"))
	}
	c.render(ctx, http.StatusOK, "login.html", page{L: l, CSRF: token, Title: T(l, "sign_in"), Data: LoginView{Next: safeNext(ctx.Query("next"))}})
}

func acceptLanguage(h string) Lang {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		switch {
		case strings.HasPrefix(tag, "pt"):
			return PT
		case strings.HasPrefix(tag, "en"):
			return EN
		case strings.HasPrefix(tag, "es"):
			return ES
		}
	}
	return ES
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/inbox" // browsers read "/\evil.example" as "//evil.example"
	}
	return next
}

func (c *console) login(ctx *gin.Context) {
	securityHeaders(ctx)
	cookie, err := ctx.Cookie(loginCookie)
	form := ctx.PostForm(csrfField)
	l := acceptLanguage(ctx.GetHeader("Accept-Language"))
	view := LoginView{Email: strings.TrimSpace(ctx.PostForm("email")), Next: safeNext(ctx.PostForm("next"))}
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) != 1 {
		view.Error = T(l, "csrf_failed")
		token := randomToken()
		c.setCookie(ctx, loginCookie, token, 3600)
		c.render(ctx, http.StatusForbidden, "login.html", page{L: l, CSRF: token, Title: T(l, "sign_in"), Data: view})
		return
	}
	res, err := c.SignIn.Handle(ctx.Request.Context(), view.Email, ctx.PostForm("password"))
	if err != nil {
		status := http.StatusUnauthorized
		view.Error = T(l, "bad_credentials")
		var de *domain.Error
		if errors.As(err, &de) && errors.Is(err, user.ErrLocked) {
			status, view.Error = http.StatusTooManyRequests, T(l, "account_locked")
		} else if domain.KindOf(err) == domain.KindInternal {
			c.Log.ErrorContext(ctx.Request.Context(), "sign in", "error", err)
			status, view.Error = http.StatusInternalServerError, T(l, "internal_error")
		}
		c.render(ctx, status, "login.html", page{L: l, CSRF: cookie, Title: T(l, "sign_in"), Data: view})
		return
	}
	c.setCookie(ctx, loginCookie, "", -1)
	c.setCookie(ctx, sessionCookie, res.Token, int((12 * time.Hour).Seconds()))
	ctx.Redirect(http.StatusSeeOther, view.Next)
}

// requireSession lets through signed-in users with a live session, and
// state-changing requests only with the session's CSRF token.
func (c *console) requireSession(ctx *gin.Context) {
	securityHeaders(ctx)
	token, err := ctx.Cookie(sessionCookie)
	if err == nil && token != "" {
		u, s, err := c.Authenticate.Handle(ctx.Request.Context(), token)
		if err == nil {
			ctx.Set(viewerKey, u)
			ctx.Set(sessionKey, s)
			if ctx.Request.Method != http.MethodGet && ctx.Request.Method != http.MethodHead && !validCSRF(ctx, s.CSRFToken) {
				ctx.AbortWithStatus(http.StatusForbidden)
				_, _ = ctx.Writer.WriteString("invalid or missing CSRF token: reload the page")
				return
			}
			ctx.Next()
			return
		}
		if domain.KindOf(err) == domain.KindInternal {
			c.Log.ErrorContext(ctx.Request.Context(), "authenticate session", "error", err)
			ctx.AbortWithStatus(http.StatusInternalServerError)
			return
		}
	}
	if ctx.Request.Method == http.MethodGet && ctx.GetHeader("X-Requested-With") == "" && ctx.FullPath() != "/events" {
		ctx.Redirect(http.StatusFound, "/login?next="+url.QueryEscape(ctx.Request.URL.RequestURI()))
		ctx.Abort()
		return
	}
	ctx.AbortWithStatus(http.StatusUnauthorized)
}

func validCSRF(ctx *gin.Context, want string) bool {
	got := ctx.GetHeader(csrfHeader)
	if got == "" {
		got = ctx.PostForm(csrfField)
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (c *console) logout(ctx *gin.Context) {
	if token, err := ctx.Cookie(sessionCookie); err == nil {
		if err := c.SignOut.Handle(ctx.Request.Context(), token); err != nil {
			c.Log.WarnContext(ctx.Request.Context(), "sign out", "error", err)
		}
	}
	c.setCookie(ctx, sessionCookie, "", -1)
	ctx.Redirect(http.StatusSeeOther, "/login")
}

func (c *console) setLanguage(ctx *gin.Context) {
	u, _ := viewer(ctx)
	if _, err := c.SetLanguage.Handle(ctx.Request.Context(), u.ID(), ctx.PostForm("language")); err != nil {
		ctx.String(http.StatusUnprocessableEntity, err.Error())
		return
	}
	ctx.Redirect(http.StatusSeeOther, safeNext(ctx.PostForm("next")))
}
