package sqltext

import "strings"

// Stmt is one statement of a SQL file and the line it starts on (1-based).
type Stmt struct {
	Text string
	Line int
}

// Split cuts a SQL file into statements at semicolons outside quotes
// ('...', "...", $tag$...$tag$) and comments (--, /* */). A statement starts
// at its first character that is not blank or comment; statements that hold
// only comments and blanks are left out.
//
// It is one scanner loop over the file's bytes (quotes, dollar quotes,
// comments, statement ends), long because its states share one position.
func Split(body string) []Stmt {
	var out []Stmt
	start, line, startLine := 0, 1, 1
	meaningful := false
	flush := func(end int) {
		if meaningful {
			out = append(out, Stmt{Text: strings.TrimSpace(body[start:end]), Line: startLine})
		}
		meaningful = false
	}
	begin := func(i int) {
		if !meaningful {
			meaningful, startLine, start = true, line, i
		}
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\n':
			line++
		case c == '-' && strings.HasPrefix(body[i:], "--"):
			j := strings.IndexByte(body[i:], '\n')
			if j < 0 {
				i = len(body)
				continue
			}
			i += j - 1
		case c == '/' && strings.HasPrefix(body[i:], "/*"):
			// block comments nest, in PostgreSQL and DuckDB alike
			end, depth := i+2, 1
			for end < len(body) && depth > 0 {
				switch {
				case strings.HasPrefix(body[end:], "/*"):
					depth, end = depth+1, end+2
				case strings.HasPrefix(body[end:], "*/"):
					depth, end = depth-1, end+2
				default:
					end++
				}
			}
			line += strings.Count(body[i:end], "\n")
			i = end - 1
		case c == '\'' || c == '"':
			begin(i)
			// E'...' strings take backslash escapes
			escapes := c == '\'' && i > 0 && (body[i-1] == 'E' || body[i-1] == 'e') && (i < 2 || !isIdentChar(body[i-2]))
			j := i + 1
			for j < len(body) {
				if escapes && body[j] == '\\' {
					j += 2
					continue
				}
				if body[j] == c {
					if j+1 < len(body) && body[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			line += strings.Count(body[i:min(j+1, len(body))], "\n")
			i = j
		case c == '$':
			begin(i)
			if k := strings.IndexByte(body[i+1:], '$'); k >= 0 && isTag(body[i+1:i+1+k]) {
				tag := body[i : i+k+2]
				if e := strings.Index(body[i+len(tag):], tag); e >= 0 {
					end := i + len(tag) + e + len(tag)
					line += strings.Count(body[i:end], "\n")
					i = end - 1
				}
			}
		case c == ';':
			flush(i + 1)
		case c == ' ' || c == '\t' || c == '\r':
		default:
			begin(i)
		}
	}
	flush(len(body))
	return out
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isTag(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// At returns the statement of body that holds line (1-based).
func At(body string, line int) (Stmt, bool) {
	var found Stmt
	ok := false
	for _, s := range Split(body) {
		if s.Line > line {
			break
		}
		found, ok = s, true
	}
	return found, ok
}
