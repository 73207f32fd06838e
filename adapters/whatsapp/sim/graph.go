package sim

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxRequestBody caps request bodies; Graph rejects far smaller payloads than this.
const maxRequestBody = 1 << 20

// apiError is a Graph API error answer: an HTTP status and Meta's error body.
type apiError struct {
	status int
	body   graphError
}

func (e *apiError) Error() string { return e.body.Message }

// waError is a WhatsApp Cloud API error: "(#code) title" with the details in error_data.
func waError(code int, title, details string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: graphError{
		Message:   fmt.Sprintf("(#%d) %s", code, title),
		Type:      "OAuthException",
		Code:      code,
		ErrorData: &graphErrorData{MessagingProduct: "whatsapp", Details: details},
	}}
}

// invalidParam is Graph's generic "(#100) Invalid parameter" with details.
func invalidParam(details string) *apiError { return waError(100, "Invalid parameter", details) }

// paramError is a code 100 error whose message is the problem itself, as
// Graph words missing or malformed parameters.
func paramError(format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	return waError(100, msg, msg)
}

// templateError is the shape of errors from template management: no
// error_data, a user-facing title and message instead.
func templateError(subcode int, title, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: graphError{
		Message:        "Invalid parameter",
		Type:           "OAuthException",
		Code:           100,
		ErrorSubcode:   subcode,
		ErrorUserTitle: title,
		ErrorUserMsg:   msg,
	}}
}

// unsupportedRequest is Graph's answer for a node or edge that does not exist
// or does not take the method.
func unsupportedRequest(method, node string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: graphError{
		Message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to "+
			"missing permissions, or does not support this operation. Please read the Graph API documentation at "+
			"https://developers.facebook.com/docs/graph-api", strings.ToLower(method), node),
		Type:         "GraphMethodException",
		Code:         100,
		ErrorSubcode: 33,
	}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Simulator) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	body := e.body
	body.FBTraceID = newTraceID()
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "`+body.Message+`"`)
	}
	w.Header().Set("X-FB-Trace-ID", body.FBTraceID)
	s.log.InfoContext(r.Context(), "whatsapp simulator: graph error",
		"method", r.Method, "path", r.URL.Path, "status", e.status, "code", body.Code, "message", body.Message)
	writeJSON(w, e.status, graphErrorBody{Error: body})
}

// routes builds the handler: the Graph API under /{version}/..., the customer
// page at / and its JSON under /sim/.
func (s *Simulator) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("GET /sim/chats", s.handleChats)
	mux.HandleFunc("GET /sim/chats/{wa_id}", s.handleChat)
	mux.HandleFunc("POST /sim/chats/{wa_id}/messages", s.handleCustomerMessage)
	mux.HandleFunc("POST /sim/chats/{wa_id}/buttons", s.handleCustomerButton)
	mux.HandleFunc("POST /sim/chats/{wa_id}/window/close", s.handleCloseWindow)
	mux.HandleFunc("GET /sim/templates", s.handleSimTemplates)
	mux.HandleFunc("/{version}/{node}", s.handleGraphNode)
	mux.HandleFunc("/{version}/{node}/{edge}", s.handleGraphEdge)
	mux.HandleFunc("/", s.handleUnknownPath)
	return mux
}

// checkAuth accepts the token as "Authorization: Bearer <token>" or, as Graph
// also does, an access_token query parameter.
func (s *Simulator) checkAuth(r *http.Request) *apiError {
	token := r.URL.Query().Get("access_token")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		token = ""
		if strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth") {
			token = strings.TrimSpace(rest)
		}
		if token == "" {
			return authError("Invalid OAuth access token - Cannot parse access token")
		}
	}
	if token == "" {
		return authError("An access token is required to request this resource.")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AccessToken)) != 1 {
		return authError("Invalid OAuth access token - Cannot parse access token")
	}
	return nil
}

func authError(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, body: graphError{Message: msg, Type: "OAuthException", Code: 190}}
}

// checkGraph runs the checks every Graph request gets: token, then version.
func (s *Simulator) checkGraph(r *http.Request) *apiError {
	if e := s.checkAuth(r); e != nil {
		return e
	}
	if v := r.PathValue("version"); v != s.cfg.GraphVersion {
		return &apiError{status: http.StatusBadRequest, body: graphError{
			Message: fmt.Sprintf("Unknown path components: /%s (this simulator serves Graph API %s only)", v, s.cfg.GraphVersion),
			Type:    "OAuthException",
			Code:    2500,
		}}
	}
	return nil
}

func (s *Simulator) handleUnknownPath(w http.ResponseWriter, r *http.Request) {
	if e := s.checkAuth(r); e != nil {
		s.writeError(w, r, e)
		return
	}
	s.writeError(w, r, &apiError{status: http.StatusBadRequest, body: graphError{
		Message: "Unknown path components: " + r.URL.Path, Type: "OAuthException", Code: 2500,
	}})
}

// handleGraphNode answers GET on the phone number and the business account,
// which adapters use as a health check.
func (s *Simulator) handleGraphNode(w http.ResponseWriter, r *http.Request) {
	if e := s.checkGraph(r); e != nil {
		s.writeError(w, r, e)
		return
	}
	node := r.PathValue("node")
	switch {
	case r.Method == http.MethodGet && node == s.cfg.PhoneNumberID:
		writeJSON(w, http.StatusOK, map[string]any{
			"verified_name":            "Saldo (simulator)",
			"code_verification_status": "VERIFIED",
			"display_phone_number":     "+" + s.cfg.DisplayPhone,
			"quality_rating":           "GREEN",
			"platform_type":            "CLOUD_API",
			"throughput":               map[string]string{"level": "STANDARD"},
			"id":                       s.cfg.PhoneNumberID,
		})
	case r.Method == http.MethodGet && node == s.cfg.BusinessAccountID:
		writeJSON(w, http.StatusOK, map[string]any{
			"id":       s.cfg.BusinessAccountID,
			"name":     "Saldo (simulator)",
			"currency": "USD",
		})
	default:
		s.writeError(w, r, unsupportedRequest(r.Method, node))
	}
}

func (s *Simulator) handleGraphEdge(w http.ResponseWriter, r *http.Request) {
	if e := s.checkGraph(r); e != nil {
		s.writeError(w, r, e)
		return
	}
	node, edge := r.PathValue("node"), r.PathValue("edge")
	var e *apiError
	switch {
	case node == s.cfg.PhoneNumberID && edge == "messages" && r.Method == http.MethodPost:
		e = s.handleMessages(w, r)
	case node == s.cfg.BusinessAccountID && edge == "message_templates":
		switch r.Method {
		case http.MethodGet:
			e = s.handleListTemplates(w, r)
		case http.MethodPost:
			e = s.handleCreateTemplate(w, r)
		case http.MethodDelete:
			e = s.handleDeleteTemplate(w, r)
		default:
			e = unsupportedRequest(r.Method, node)
		}
	default:
		e = unsupportedRequest(r.Method, node)
	}
	if e != nil {
		s.writeError(w, r, e)
	}
}

// readJSONObject reads a request body that must be one JSON object, returning
// the raw body and its top-level keys. Graph reads a body as JSON only when
// it is labelled so; anything else is taken as form fields, and the JSON's
// parameters go missing.
func readJSONObject(w http.ResponseWriter, r *http.Request) ([]byte, map[string]json.RawMessage, *apiError) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return nil, nil, invalidParam(fmt.Sprintf(
			"The body was not read as JSON: send it with Content-Type: application/json (got %q).", r.Header.Get("Content-Type")))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, invalidParam(fmt.Sprintf("Request body exceeds %d bytes.", maxRequestBody))
		}
		return nil, nil, invalidParam("Could not read the request body.")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil || keys == nil {
		return nil, nil, invalidParam("The request body must be a JSON object (Content-Type: application/json).")
	}
	return body, keys, nil
}

// decodeParam decodes raw into v, reporting a wrongly typed field the way
// Graph does: against the parameter's path.
func decodeParam(param string, raw []byte, v any) *apiError {
	if err := json.Unmarshal(raw, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := param
			if typeErr.Field != "" {
				field = param + "." + typeErr.Field
			}
			return invalidParam(fmt.Sprintf("Param %s must be a %s, got a JSON %s.", field, goTypeName(typeErr.Type.Kind().String()), typeErr.Value))
		}
		return invalidParam(fmt.Sprintf("Param %s is not valid JSON: %v", param, err))
	}
	return nil
}

func goTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice":
		return "list"
	case "struct", "map", "ptr":
		return "object"
	case "bool":
		return "boolean"
	default:
		return "number"
	}
}
