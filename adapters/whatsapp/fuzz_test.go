package whatsapp_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
)

// FuzzDecode feeds the decoder arbitrary bodies: it must never panic, and
// it either fails with an invalid-kind domain error or returns events that
// respect what the application relies on.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``,
		`null`,
		`{}`,
		`[]`,
		`{"object":"whatsapp_business_account"}`,
		`{"object":"whatsapp_business_account","entry":null}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":null}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w","from":"1","type":"location","location":{"latitude":"x"}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"w","status":"read","timestamp":1e3}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"time":-9223372036854775808,"changes":[{"field":"message_template_status_update","value":{"message_template_id":1e400}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w","from":"1","type":"interactive","interactive":{"type":"button_reply"}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w","from":1,"timestamp":"99999999999999999999"}]}}]}]}`,
		"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"\xff\",\"from\":\"1\"}]}}]}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := whatsapp.Decoder{}.Decode(body)
		if err != nil {
			if domain.KindOf(err) != domain.KindInvalid {
				t.Fatalf("error of kind %v, want invalid: %v", domain.KindOf(err), err)
			}
			return
		}
		for _, in := range ev.Inbound {
			if in.Message.WAMID == "" || in.WaID == "" {
				t.Fatalf("inbound message without id or sender: %+v", in)
			}
			if in.Message.Content.Type == "" {
				t.Fatalf("inbound message without a type: %+v", in)
			}
			if in.Message.SentAt.Location() != time.UTC {
				t.Fatalf("sent time not in UTC: %v", in.Message.SentAt)
			}
		}
		for _, s := range ev.Statuses {
			switch s.Status {
			case conversation.Sent, conversation.Delivered, conversation.Read, conversation.Failed:
			default:
				t.Fatalf("status %q reached the application", s.Status)
			}
			if s.WAMID == "" {
				t.Fatalf("status without a message id: %+v", s)
			}
		}
	})
}

// FuzzVerifySignature checks that only the true signature verifies.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte(`{"object":"whatsapp_business_account"}`), "sha256=00", "secret")
	f.Add([]byte{}, "", "")
	f.Add([]byte("x"), "sha256="+strings.Repeat("0", 64), "s")
	f.Fuzz(func(t *testing.T, body []byte, header, secret string) {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		sum := mac.Sum(nil)
		good := "sha256=" + hex.EncodeToString(sum)

		if got := whatsapp.VerifySignature(body, good, secret); got != (secret != "") {
			t.Fatalf("the true signature verified %v with secret %q", got, secret)
		}
		if whatsapp.VerifySignature(body, header, secret) {
			sig, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(header), "sha256="))
			if secret == "" || err != nil || !hmac.Equal(sig, sum) {
				t.Fatalf("header %q verified but is not the signature %s", header, good)
			}
		}
	})
}
