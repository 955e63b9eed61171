package http

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/protocol"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "crs_session"

const keyToken = "auth_token"

type principalKey struct{}

// principalFrom returns the principal put in ctx by authenticate.
func principalFrom(ctx context.Context) domain.Principal {
	p, _ := ctx.Value(principalKey{}).(domain.Principal)
	return p
}

// bearerOrCookie returns the credential of the request: an Authorization
// bearer token wins over the session cookie.
func bearerOrCookie(c *hz.RequestContext) string {
	if h := string(c.Request.Header.Peek("Authorization")); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return string(c.Cookie(SessionCookie))
}

// authenticate requires a valid session token or SSO JWT and puts the
// principal into the context of later handlers.
func (s *Server) authenticate() hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		tok := bearerOrCookie(c)
		p, err := s.deps.Identity.Authenticate(ctx, tok)
		if err != nil {
			writeError(ctx, c, s.log, err)
			return
		}
		c.Set(keyToken, tok)
		c.Next(context.WithValue(ctx, principalKey{}, p))
	}
}

// withOriginCheck refuses state-changing requests sent by a page of a
// foreign origin (CSRF defence on top of SameSite=Lax cookies). Requests
// without an Origin header (API clients) pass.
func (s *Server) withOriginCheck() hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		switch string(c.Method()) {
		case "GET", "HEAD", "OPTIONS":
			c.Next(ctx)
			return
		}
		origin := string(c.Request.Header.Peek("Origin"))
		if origin == "" || s.originAllowed(origin, string(c.Host())) {
			c.Next(ctx)
			return
		}
		writeError(ctx, c, s.log, &domain.Error{Code: domain.CodeForbidden, Field: "origin", Message: "cross-origin request refused"})
	}
}

// originAllowed reports whether origin is the server itself or allowlisted.
func (s *Server) originAllowed(origin, host string) bool {
	if slices.Contains(s.cfg.AllowedOrigins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string       `json:"token"`
	ExpiresAt time.Time    `json:"expires_at"`
	User      app.UserJSON `json:"user"`
}

func (s *Server) login(ctx context.Context, c *hz.RequestContext) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	if req.Email == "" {
		writeError(ctx, c, s.log, domain.Invalid("email", "is required"))
		return
	}
	if req.Password == "" {
		writeError(ctx, c, s.log, domain.Invalid("password", "is required"))
		return
	}
	res, err := s.deps.Identity.Login(ctx, req.Email, req.Password)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	maxAge := int(time.Until(res.ExpiresAt).Seconds())
	c.SetCookie(SessionCookie, res.Token, maxAge, "/", "", protocol.CookieSameSiteLaxMode, s.cfg.SecureCookies, true)
	c.JSON(200, loginResponse{Token: res.Token, ExpiresAt: res.ExpiresAt, User: app.UserView(res.User)})
}

func (s *Server) logout(ctx context.Context, c *hz.RequestContext) {
	if err := s.deps.Identity.Logout(ctx, principalFrom(ctx), c.GetString(keyToken)); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.SetCookie(SessionCookie, "", -1, "/", "", protocol.CookieSameSiteLaxMode, s.cfg.SecureCookies, true)
	c.Status(204)
}

func (s *Server) me(ctx context.Context, c *hz.RequestContext) {
	me, err := s.deps.Identity.Me(ctx, principalFrom(ctx))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(200, me)
}
