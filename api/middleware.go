package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/domain/apikey"
)

const (
	requestIDKey = "request_id"
	apiKeyKey    = "api_key"
)

// requestID tags each request with an id, taken from X-Request-ID when the
// caller sends a sane one, and echoes it back.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if id == "" || len(id) > 64 || strings.ContainsAny(id, "\r\n") {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// accessLog logs one line per request; never headers or bodies, which carry
// API keys and customer data.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "http request",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", c.GetString(requestIDKey)))
	}
}

// recoverer answers a panic like any other internal error.
func recoverer(log *slog.Logger) gin.RecoveryFunc {
	return func(c *gin.Context, rec any) {
		log.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", rec), slog.String("request_id", c.GetString(requestIDKey)))
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "internal error (request " + c.GetString(requestIDKey) + ")"}})
	}
}

// limitBody refuses bodies over n bytes while they are read.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// requireKey lets through requests whose bearer API key has scope.
func (h *handlers) requireKey(scope apikey.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		auth := c.GetHeader("Authorization")
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="saldo"`)
			_ = c.Error(apikey.ErrUnknownKey)
			c.Abort()
			return
		}
		k, err := h.Authenticate.Handle(c.Request.Context(), strings.TrimSpace(secret), scope)
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="saldo"`)
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Set(apiKeyKey, k)
		c.Next()
	}
}
