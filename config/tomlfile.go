package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/BurntSushi/toml"
)

// DecodeTOMLFile parses a TOML file into a generic map. Syntax errors name the
// file, line and column.
func DecodeTOMLFile(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeTOML(path, data)
}

// DecodeTOML parses TOML text; name is used in error messages.
func DecodeTOML(name string, data []byte) (map[string]any, error) {
	m := map[string]any{}
	if _, err := toml.Decode(string(data), &m); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			// The decoder reports an error found at a line's end on the next
			// line; the byte offset gives the line where the problem is.
			line, col := perr.Position.Line, perr.Position.Col
			if perr.Position.Start >= 0 && perr.Position.Start <= len(data) {
				line, col = LineCol(data, perr.Position.Start)
			}
			return nil, fmt.Errorf("%s:%d:%d: invalid TOML: %s", name, line, col, perr.Message)
		}
		return nil, fmt.Errorf("%s: invalid TOML: %w", name, err)
	}
	return m, nil
}

// JSONError turns a JSON syntax or type error into "name:line:col: ..." using
// the byte offset the decoder reports.
func JSONError(name string, data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("%s: invalid JSON: %w", name, err)
	}
	line, col := LineCol(data, int(off))
	return fmt.Errorf("%s:%d:%d: invalid JSON: %v", name, line, col, err)
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
