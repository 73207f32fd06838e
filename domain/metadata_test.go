package domain_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/saldocrm/saldo/domain"
)

func TestNormalizeMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"empty is an empty object", "", "{}", false},
		{"blank is an empty object", "  \n ", "{}", false},
		{"null is an empty object", "null", "{}", false},
		{"keys sorted and compacted", `{ "b": 1,  "a": {"d": true, "c": null} }`, `{"a":{"c":null,"d":true},"b":1}`, false},
		{"big decimal kept exactly", `{"limit": 12345678901234567890.123}`, `{"limit":12345678901234567890.123}`, false},
		{"big integer kept exactly", `{"erp_id": 9007199254740993}`, `{"erp_id":9007199254740993}`, false},
		{"array refused", `[1,2]`, "", true},
		{"number refused", `1`, "", true},
		{"string refused", `"x"`, "", true},
		{"malformed refused", `{"a":`, "", true},
		{"two objects refused", `{"a":1}{"b":2}`, "", true},
		{"trailing garbage refused", `{"a":1} x`, "", true},
		{"trailing closing brace refused", `{"a":1}}`, "", true},
		{"trailing closing bracket refused", `{"a":1}]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := domain.NormalizeMetadata(json.RawMessage(tt.in))
			if tt.wantErr {
				if !errors.Is(err, domain.ErrInvalidMetadata) || domain.KindOf(err) != domain.KindInvalid {
					t.Fatalf("NormalizeMetadata(%s) = %s, %v; want invalid_metadata", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeMetadata(%s): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("NormalizeMetadata(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
