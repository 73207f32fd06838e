package sim

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTemplateCreate_SamplesAndButtonRules covers the review's synchronous
// checks on samples and on the mix of buttons.
func TestTemplateCreate_SamplesAndButtonRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := map[string]any{"type": "BODY", "text": "Hola {{1}}, pague hoy.", "example": map[string]any{"body_text": [][]string{{"Ana"}}}}
	with := func(name, category string, comps ...any) map[string]any {
		return map[string]any{"name": name, "language": "es", "category": category, "components": comps}
	}
	quick := func(text string) map[string]any { return map[string]any{"type": "QUICK_REPLY", "text": text} }
	link := map[string]any{"type": "URL", "text": "Pagar", "url": "https://pagos.saldo.test/p"}
	buttons := func(bs ...any) map[string]any { return map[string]any{"type": "BUTTONS", "buttons": bs} }
	tests := []struct {
		name string
		req  map[string]any
		ok   bool
	}{
		{"body samples", with("ok_body", "UTILITY", body), true},
		{"body without samples", with("sin_muestras", "UTILITY", map[string]any{"type": "BODY", "text": "Hola {{1}}, pague hoy."}), false},
		{"body with too few samples", with("pocas", "UTILITY", map[string]any{
			"type": "BODY", "text": "Hola {{1}}, debe {{2}} hoy.", "example": map[string]any{"body_text": [][]string{{"Ana"}}},
		}), false},
		{"header variable without sample", with("cabecera", "UTILITY", map[string]any{"type": "HEADER", "format": "TEXT", "text": "Factura {{1}}"}, body), false},
		{"image header with example", with("imagen", "MARKETING", map[string]any{
			"type": "HEADER", "format": "IMAGE", "example": map[string]any{"header_handle": []string{"4::aW1hZ2U="}},
		}, body), true},
		{"document header without example", with("documento", "UTILITY", map[string]any{"type": "HEADER", "format": "DOCUMENT"}, body), false},
		{"URL variable without sample", with("url_sin", "UTILITY", body, buttons(map[string]any{
			"type": "URL", "text": "Pagar", "url": "https://pagos.saldo.test/p/{{1}}",
		})), false},
		{"three URL buttons", with("tres_url", "UTILITY", body, buttons(link, link, link)), false},
		{"two phone buttons", with("dos_tel", "UTILITY", body, buttons(
			map[string]any{"type": "PHONE_NUMBER", "text": "A", "phone_number": "+573001234567"},
			map[string]any{"type": "PHONE_NUMBER", "text": "B", "phone_number": "+573001234568"},
		)), false},
		{"quick replies grouped", with("agrupados", "UTILITY", body, buttons(quick("Sí"), quick("No"), link)), true},
		{"quick replies split", with("partidos", "UTILITY", body, buttons(quick("Sí"), link, quick("No"))), false},
		{"copy code in utility", with("cupon_utilidad", "UTILITY", body, buttons(map[string]any{"type": "COPY_CODE", "example": "PAGA10"})), false},
		{"copy code of 16", with("cupon_largo", "MARKETING", body, buttons(map[string]any{"type": "COPY_CODE", "example": "ABCDEFGHIJKLMNOP"})), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := e.call(t, http.MethodPost, "/v21.0/"+wabaID+"/message_templates", testToken, tt.req)
			if tt.ok {
				assert.Equal(t, http.StatusOK, status, "answer %v", answer)
				return
			}
			assert.Equal(t, http.StatusBadRequest, status, "answer %v", answer)
			assert.Equal(t, 100, errorCode(t, answer))
			assert.NotEmpty(t, answer["error"].(map[string]any)["error_user_msg"], "the refusal says why")
		})
	}
}
