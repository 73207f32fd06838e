package api

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Amount is a decimal amount as it travels in JSON: written as a string
// ("1250.50"); read from a string or a JSON number, keeping its digits exactly.
type Amount string

// UnmarshalJSON accepts "12.30" and 12.30 alike.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*a = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Amount(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("an amount must be a decimal string such as \"1250.50\" or a number")
	}
	*a = Amount(n.String())
	return nil
}
