package chdb

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bind replaces each `?` placeholder of q outside quotes and comments by the
// ClickHouse literal of the matching argument.
func Bind(q string, args []driver.NamedValue) (string, error) {
	if len(args) == 0 {
		return q, nil
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := SkipQuoted(q, i)
			b.WriteString(q[i:j])
			i = j - 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(q[i:end])
			i = end - 1
		case c == '?':
			if n >= len(args) {
				return "", fmt.Errorf("chdb: %d arguments for more placeholders in %q", len(args), q)
			}
			lit, err := Literal(args[n].Value)
			if err != nil {
				return "", err
			}
			b.WriteString(lit)
			n++
		default:
			b.WriteByte(c)
		}
	}
	if n != len(args) {
		return "", fmt.Errorf("chdb: %d arguments for %d placeholders in %q", len(args), n, q)
	}
	return b.String(), nil
}

// SkipQuoted returns the index just past the quoted text (string, back-quoted
// or double-quoted identifier) starting at q[i], reading backslash escapes
// and doubled quotes inside as ClickHouse does.
func SkipQuoted(q string, i int) int {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			j++
		case quote:
			if j+1 < len(q) && q[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

// Literal is v as a ClickHouse literal.
func Literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", fmt.Errorf("chdb: cannot bind %v", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case string:
		return QuoteString(x), nil
	case []byte:
		return QuoteString(string(x)), nil
	case time.Time:
		return "toDateTime64(" + QuoteString(x.UTC().Format("2006-01-02 15:04:05.000000")) + ", 6, 'UTC')", nil
	}
	return "", fmt.Errorf("chdb: cannot bind a %T", v)
}

// QuoteString is s as a ClickHouse string literal.
func QuoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
