package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Convention holds SQLAlchemy-style naming templates for primary keys ("pk")
// and indexes ("ix"), e.g. "ix_%(table_name)s_%(column_0_N_name)s".
type Convention struct {
	PK string
	IX string
}

// DefaultConvention gives names unique per schema: the table name is part of
// every constraint name, and index names also carry their columns.
var DefaultConvention = Convention{
	PK: "pk_%(table_name)s",
	IX: "ix_%(table_name)s_%(column_0_N_name)s",
}

var tokenRE = regexp.MustCompile(`%\(([a-zA-Z0-9_]+)\)s`)

// tokens known to Convention.Name; column tokens are matched by columnTokenRE.
var columnTokenRE = regexp.MustCompile(`^column_0(_N|N)?_(name|key|label)$`)

// ValidateTemplate checks that tmpl uses only the tokens mxmigrate knows.
func ValidateTemplate(tmpl string) error {
	if strings.TrimSpace(tmpl) == "" {
		return fmt.Errorf("empty naming template")
	}
	if err := CheckText(tmpl); err != nil {
		return fmt.Errorf("naming template %w", err)
	}
	for _, m := range tokenRE.FindAllStringSubmatch(tmpl, -1) {
		tok := m[1]
		if tok == "table_name" || tok == "constraint_name" || columnTokenRE.MatchString(tok) {
			continue
		}
		return fmt.Errorf("naming template %q: unknown token %%(%s)s (known: table_name, constraint_name, column_0_name, column_0N_name, column_0_N_name, and the _label/_key forms)", tmpl, tok)
	}
	return nil
}

// Name renders tmpl for a constraint on table over columns. explicit is the
// constraint's own name ("" when it has none); a template that uses
// %(constraint_name)s needs one.
func Name(tmpl, table string, columns []string, explicit string) (string, error) {
	var err error
	out := tokenRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		tok := tokenRE.FindStringSubmatch(m)[1]
		if tok == "table_name" {
			return table
		}
		if tok == "constraint_name" {
			if explicit == "" {
				err = fmt.Errorf("naming template %q uses %%(constraint_name)s, but the constraint on %s has no explicit name", tmpl, table)
			}
			return explicit
		}
		sm := columnTokenRE.FindStringSubmatch(tok)
		if sm == nil {
			err = fmt.Errorf("naming template %q: unknown token %s", tmpl, m)
			return m
		}
		if len(columns) == 0 {
			err = fmt.Errorf("naming template %q: constraint on %s has no columns", tmpl, table)
			return ""
		}
		parts := columns
		if sm[1] == "" {
			parts = columns[:1]
		}
		vals := make([]string, len(parts))
		for i, c := range parts {
			vals[i] = c
			if sm[2] == "label" {
				vals[i] = table + "_" + c
			}
		}
		sep := "_"
		if sm[1] == "N" {
			sep = ""
		}
		return strings.Join(vals, sep)
	})
	return out, err
}

// Shorten returns name unchanged when it fits in limit bytes (limit <= 0 means
// no limit); otherwise it truncates it on a UTF-8 boundary and appends "_" and
// an 8-hex-digit hash of the full name, so that the result is deterministic,
// fits, and stays distinct from other shortened names.
func Shorten(name string, limit int) string {
	if limit <= 0 || len(name) <= limit {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "_" + hex.EncodeToString(sum[:])[:8]
	return TruncateBytes(name, limit-len(suffix)) + suffix
}

// TruncateBytes cuts s to at most n bytes without splitting a UTF-8 sequence.
func TruncateBytes(s string, n int) string {
	if n <= 0 || len(s) <= n {
		if n <= 0 {
			return ""
		}
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// NameKind says who chose a name, which decides how it is made to fit a
// dialect's identifier limit.
type NameKind int

const (
	// MetaxyName is a table or column name that Metaxy queries: past the limit
	// it is cut the way the database cuts it, never hashed.
	MetaxyName NameKind = iota
	// OwnName is a name mxmigrate chooses (constraints, indexes, migrations
	// tables, temporary tables): past the limit it is shortened with a hash
	// of the whole name, so that two long names stay distinct.
	OwnName
)

// Namer turns a logical name into the physical name a database keeps. Each
// dialect owns one; every physical name mxmigrate writes or looks up goes
// through it.
type Namer interface {
	// Limit is the identifier limit in bytes (0: none).
	Limit() int
	// Physical is the name as the database keeps it.
	Physical(kind NameKind, name string) string
	// Fold is the name as the database compares it: two names with the same
	// Fold are one name there (DuckDB: case-insensitive).
	Fold(name string) string
}

// CheckName refuses a name no database should get: empty, not UTF-8, or
// holding a control character or a line separator (NUL breaks PostgreSQL's
// wire protocol; others end comments and confuse every tool that prints it).
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	return CheckText(name)
}

// CheckText refuses text that becomes part of names (a table prefix, a
// naming template) when it is not UTF-8 or holds a control character or a
// line separator.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%q holds the control character %U", s, r)
		}
		if IsBidiControl(r) {
			return fmt.Errorf("%q holds the bidirectional control character %U (it makes the name display in another order than the database reads it)", s, r)
		}
	}
	return nil
}

// IsBidiControl reports whether r is a Unicode bidirectional control: the
// embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069 and
// the marks U+200E, U+200F, U+061C. Text holding them displays in another
// order than it is stored ("Trojan Source"): names refuse them, comments
// and messages escape them.
func IsBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// ByteLimit is the Namer of a database that keeps the first N bytes of an
// identifier (0: no limit), as PostgreSQL does with 63.
type ByteLimit int

// Limit is the limit in bytes.
func (n ByteLimit) Limit() int { return int(n) }

// Fold: names compare exactly.
func (ByteLimit) Fold(name string) string { return name }

// Physical truncates Metaxy's names and shortens mxmigrate's own with a hash.
func (n ByteLimit) Physical(kind NameKind, name string) string {
	if n <= 0 || len(name) <= int(n) {
		return name
	}
	if kind == MetaxyName {
		return TruncateBytes(name, int(n))
	}
	return Shorten(name, int(n))
}
