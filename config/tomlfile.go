package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pelletier/go-toml/v2"
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

// DecodeTOML parses TOML text; name is used in error messages, which give
// the file, line and column.
func DecodeTOML(name string, data []byte) (map[string]any, error) {
	m := map[string]any{}
	if err := toml.Unmarshal(data, &m); err != nil {
		return nil, TOMLError(name, err)
	}
	return m, nil
}

// TOMLError formats a TOML decoding error as "name:line:col: ...".
func TOMLError(name string, err error) error {
	var serr *toml.StrictMissingError
	if errors.As(err, &serr) && len(serr.Errors) > 0 {
		var parts []string
		for _, e := range serr.Errors {
			line, col := e.Position()
			parts = append(parts, fmt.Sprintf("%s:%d:%d: unknown key %s", name, line, col, strings.Join(e.Key(), ".")))
		}
		return errors.New(strings.Join(parts, "\n"))
	}
	var derr *toml.DecodeError
	if errors.As(err, &derr) {
		line, col := derr.Position()
		return fmt.Errorf("%s:%d:%d: invalid TOML: %s", name, line, col, derr.Error())
	}
	return fmt.Errorf("%s: invalid TOML: %w", name, err)
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
