package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/domain"
)

// ErrorBody is the JSON every error answer carries.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
} // @name Error

// ErrorDetail says what went wrong: a stable code, a message for people and,
// when several things are wrong, one detail per problem.
type ErrorDetail struct {
	Code    string   `json:"code" example:"invalid_invoice"`
	Message string   `json:"message" example:"due_date 2026-01-01 is before issue_date 2026-02-01"`
	Details []string `json:"details,omitempty"`
} // @name ErrorDetail

// badRequest marks errors of the request's shape (malformed JSON, a bad
// query parameter): 400, unlike broken business rules (422).
type badRequest struct {
	code string
	err  error
}

func (e *badRequest) Error() string { return e.err.Error() }
func (e *badRequest) Unwrap() error { return e.err }

func errBadRequest(code string, err error) error { return &badRequest{code: code, err: err} }

// bindError explains why a JSON body could not be read.
func bindError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var maxBytes *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return errBadRequest("malformed_json", errors.New("the request body is empty: send a JSON object"))
	case errors.As(err, &maxBytes):
		return errBadRequest("body_too_large", errors.New("the request body is larger than 16 MiB"))
	case errors.As(err, &syn):
		return errBadRequest("malformed_json", errors.New("the request body is not valid JSON: "+syn.Error()))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return errBadRequest("malformed_json", errors.New("field "+field+" must be "+jsonType(typ.Type.Kind().String())+", not "+typ.Value))
	}
	return errBadRequest("malformed_json", errors.New("the request body could not be read: "+err.Error()))
}

func jsonType(kind string) string {
	switch kind {
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	}
	return "a " + kind
}

var statusOf = map[domain.Kind]int{
	domain.KindInvalid:      http.StatusUnprocessableEntity,
	domain.KindNotFound:     http.StatusNotFound,
	domain.KindConflict:     http.StatusConflict,
	domain.KindForbidden:    http.StatusForbidden,
	domain.KindUnauthorized: http.StatusUnauthorized,
}

// errorHandler turns the error a handler left with c.Error into the answer:
// the one place where error kinds become HTTP statuses. Unknown errors are
// logged and answered 500 without their detail.
func errorHandler(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		status, body := describe(err)
		if status == http.StatusInternalServerError {
			log.ErrorContext(c.Request.Context(), "request failed",
				slog.String("method", c.Request.Method), slog.String("path", c.FullPath()),
				slog.String("request_id", c.GetString(requestIDKey)), slog.Any("error", err))
			body.Error.Message += " (request " + c.GetString(requestIDKey) + ")"
		}
		c.JSON(status, body)
	}
}

func describe(err error) (int, ErrorBody) {
	var br *badRequest
	if errors.As(err, &br) {
		return http.StatusBadRequest, ErrorBody{Error: ErrorDetail{Code: br.code, Message: br.Error()}}
	}
	var de *domain.Error
	if errors.As(err, &de) {
		if status, ok := statusOf[de.Kind()]; ok {
			return status, ErrorBody{Error: ErrorDetail{Code: de.Code(), Message: de.Message(), Details: de.Details()}}
		}
	}
	return http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "internal error"}}
}

// itemError is the answer for one failed item of a batch.
func itemError(err error) *ErrorDetail {
	status, body := describe(err)
	if status == http.StatusInternalServerError {
		return &ErrorDetail{Code: "internal", Message: "internal error"}
	}
	return &body.Error
}

// notFoundHandler answers unknown routes in the same error shape.
func notFoundHandler(c *gin.Context) {
	msg := "no route " + c.Request.Method + " " + c.Request.URL.Path
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		msg += ": see /swagger/index.html"
	}
	c.JSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "route_not_found", Message: msg}})
}
