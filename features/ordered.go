package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// node is a decoded JSON value that keeps object key order.
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys  []string
	vals  map[string]*node
	items []*node
	str   string
	num   json.Number
	b     bool
}

func (n *node) get(k string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	return n.vals[k]
}

func (n *node) isString() bool { return n != nil && n.kind == 's' }

// parseOrdered decodes JSON text, preserving object key order. It is a small
// recursive-descent parser: encoding/json's token API is several times slower
// on a thousand feature schemas.
func parseOrdered(data []byte) (*node, error) {
	p := &jsonParser{data: data}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.data) {
		return nil, p.errf("trailing data after the JSON value")
	}
	return n, nil
}

type jsonParser struct {
	data []byte
	pos  int
}

const maxJSONDepth = 512

func (p *jsonParser) errf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *jsonParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*node, error) {
	if depth > maxJSONDepth {
		return nil, p.errf("nested too deeply")
	}
	p.ws()
	if p.pos >= len(p.data) {
		return nil, p.errf("unexpected end of JSON")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: 's', str: s}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.data[p.pos:], []byte(lit)) {
				p.pos += len(lit)
				switch lit {
				case "null":
					return &node{kind: 'z'}, nil
				default:
					return &node{kind: 'b', b: lit == "true"}, nil
				}
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		for p.pos < len(p.data) && strings.IndexByte("+-.eE0123456789", p.data[p.pos]) >= 0 {
			p.pos++
		}
		num := string(p.data[start:p.pos])
		if !json.Valid([]byte(num)) {
			p.pos = start
			return nil, p.errf("invalid number %q", num)
		}
		return &node{kind: 'n', num: json.Number(num)}, nil
	}
	return nil, p.errf("unexpected character %q", p.data[p.pos])
}

func (p *jsonParser) object(depth int) (*node, error) {
	n := &node{kind: 'o', vals: map[string]*node{}}
	p.pos++ // {
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf("expected an object key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf("expected ':' after object key")
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := n.vals[k]; !dup {
			n.keys = append(n.keys, k)
		}
		n.vals[k] = v
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.errf("unexpected end of JSON in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("expected ',' or '}' in object")
		}
	}
}

func (p *jsonParser) array(depth int) (*node, error) {
	n := &node{kind: 'a'}
	p.pos++ // [
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.errf("unexpected end of JSON in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("expected ',' or ']' in array")
		}
	}
}

// str reads a JSON string at p.pos; escaped strings go through encoding/json.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	escaped := false
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '\\':
			escaped = true
			p.pos += 2
			continue
		case c == '"':
			p.pos++
			raw := p.data[start:p.pos]
			if !escaped && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				p.pos = start
				return "", p.errf("invalid string: %v", err)
			}
			return s, nil
		case c < 0x20:
			return "", p.errf("control character in string")
		}
		p.pos++
	}
	p.pos = start
	return "", p.errf("unterminated string")
}
