package rowcmp

import (
	"math/big"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// Comparison says how the values of a column are compared across a change
// of its type from from to to: ok is false where the conversion is not
// value-preserving (the column's values are then not compared), and norm
// reads the text of a value on either side so that equal values compare
// equal:
//
//   - the same type: the text as ReadText returns it, unchanged;
//   - any type to string: the text unchanged (the value as text is what a
//     conversion to text must give: 5 -> '5', a timestamp -> its text);
//   - a widening between numbers (int32 -> int64, an integer -> float64,
//     float32 -> float64): the number the text spells, exactly (5 and 5.0
//     are equal; an int64 past 2^53 rounded by float64 is reported);
//   - anything else (string -> a number or a date, which parses and may
//     normalise; float -> int, which rounds; timestamp <-> timestamptz,
//     which depends on the session's time zone; date -> timestamp; raw
//     types that differ): not compared.
func Comparison(from, to schema.Type) (norm func(string) string, ok bool) {
	same := func(s string) string { return s }
	switch {
	case from == to, to == schema.String:
		return same, true
	case widensNumber(from, to):
		return number, true
	}
	return nil, false
}

func widensNumber(from, to schema.Type) bool {
	switch from {
	case schema.Int32:
		return to == schema.Int64 || to == schema.Float64
	case schema.Int64:
		return to == schema.Float64
	case schema.Float32:
		return to == schema.Float64
	}
	return false
}

// number is the exact rational a decimal text spells ("5", "5.0", "1e3"),
// or the text itself when it spells none (inf, nan).
func number(s string) string {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return s
	}
	return r.RatString()
}
