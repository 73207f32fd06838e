package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// ErrInvalidMetadata is returned for metadata that is not a JSON object.
var ErrInvalidMetadata = Errorf(KindInvalid, "invalid_metadata", "metadata must be a JSON object")

// NormalizeMetadata returns a compact JSON object ("{}" when empty) so that
// the same metadata always has the same bytes; anything but an object or
// null is refused.
func NormalizeMetadata(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return json.RawMessage("{}"), nil
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep big and decimal numbers exactly as sent
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, ErrInvalidMetadata
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) { // nothing may follow the object
		return nil, ErrInvalidMetadata
	}
	// encoding/json writes map keys sorted: a canonical form.
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, ErrInvalidMetadata
	}
	return out, nil
}
