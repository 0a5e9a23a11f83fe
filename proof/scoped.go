package proof

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/sqltext"
)

// scoped is files cut down to the statements that build the tables a
// proof touches: a statement is left out when the tables it names (by
// name, by a rebuild's work table "<table>__mxmigrate...", or by an index
// an earlier statement made on a table) are all tables the directory
// manages that the plan does not touch. Statements that name no such
// table (settings, types, sequences) stay. The proof of a change of a few
// tables then replays a few tables' statements, not the project's; where
// the cut files do not replay, or do not make a table the plan starts
// from, the proof replays the files whole (prepare).
func scoped(files []File, touched, all []string) []File {
	touch := make(map[string]bool, len(touched))
	for _, n := range touched {
		touch[n] = true
	}
	managed := make(map[string]bool, len(all))
	for _, n := range all {
		managed[n] = true
	}
	indexOwner := map[string]string{}
	owner := func(tok string) string {
		switch {
		case managed[tok]:
			return tok
		case indexOwner[tok] != "":
			return indexOwner[tok]
		}
		if i := strings.Index(tok, "__mxmigrate"); i > 0 && managed[tok[:i]] {
			return tok[:i]
		}
		return ""
	}
	out := make([]File, len(files))
	for i, f := range files {
		body := string(f.Up)
		stmts := sqltext.Split(body)
		var b strings.Builder
		if len(stmts) > 0 {
			b.WriteString(headerOf(body, stmts[0].Line)) // the header says how the file runs
		}
		for _, st := range stmts {
			toks := identifiers(st.Text)
			if name, table := indexOn(toks); name != "" {
				if o := owner(table); o != "" {
					indexOwner[name] = o
				}
			}
			keep, names := false, false
			for _, t := range toks {
				if o := owner(t.text); o != "" {
					names = true
					keep = keep || touch[o]
				}
			}
			if keep || !names {
				b.WriteString(st.Text)
				b.WriteString("\n")
			}
		}
		out[i] = File{Name: f.Name, Up: []byte(b.String()), Down: f.Down}
	}
	return out
}

// headerOf is body's lines before line (1-based): its comment header.
func headerOf(body string, line int) string {
	end := 0
	for n := 1; n < line; n++ {
		i := strings.IndexByte(body[end:], '\n')
		if i < 0 {
			return body
		}
		end += i + 1
	}
	return body[:end]
}

// token is one identifier of a statement; quoted says it was written in
// quotes ("..." or `...`), which keywords never are.
type token struct {
	text   string
	quoted bool
}

// identifiers are a statement's identifiers, quoted or bare, in order
// (string literals and comments left out).
func identifiers(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'':
			i = skipQuoted(s, i, '\'')
		case c == '"' || c == '`':
			j := skipQuoted(s, i, c)
			inner := s[i+1 : max(i+1, j-1)]
			inner = strings.ReplaceAll(inner, string([]byte{c, c}), string(c))
			if c == '`' {
				inner = strings.ReplaceAll(inner, "\\`", "`")
			}
			out = append(out, token{inner, true})
			i = j
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, token{s[i:j], false})
			i = j
		default:
			i++
		}
	}
	return out
}

// skipQuoted returns the index after the quoted text starting at i (a
// doubled quote, or a backslash before a backtick, is part of it).
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '`' && s[j] == '\\':
			j++
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

// indexOn reads CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name
// ON [ONLY] table: the index's name and its table, or "".
func indexOn(toks []token) (name, table string) {
	kw := func(i int, w string) bool {
		return i < len(toks) && !toks[i].quoted && strings.EqualFold(toks[i].text, w)
	}
	if !kw(0, "CREATE") {
		return "", ""
	}
	i := 1
	if kw(i, "UNIQUE") {
		i++
	}
	if !kw(i, "INDEX") {
		return "", ""
	}
	for i++; kw(i, "CONCURRENTLY") || kw(i, "IF") || kw(i, "NOT") || kw(i, "EXISTS"); i++ {
	}
	if i+1 >= len(toks) || !kw(i+1, "ON") {
		return "", ""
	}
	name, i = toks[i].text, i+2
	if kw(i, "ONLY") {
		i++
	}
	if i < len(toks) {
		return name, toks[i].text
	}
	return "", ""
}
