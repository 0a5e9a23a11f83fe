package generator

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Sum is the mxmigrate.sum manifest: which dialect and table prefix the
// directory's DDL is for, and per migration its hash and the tables its up
// file creates and drops (the scope of later diffs).
type Sum struct {
	Dialect     string
	TablePrefix string
	Entries     []SumEntry
	// Corrupt is set when the manifest's own checksum does not match.
	Corrupt bool
}

// SumEntry is one migration's line.
type SumEntry struct {
	Version uint64
	Digits  string
	Name    string
	Hash    string
	Creates []string
	Drops   []string
}

// Base is "<version>_<name>".
func (e SumEntry) Base() string { return e.Digits + "_" + e.Name }

const sumHeader = `# mxmigrate.sum: what mxmigrate manages in this directory, written by ` + "`mxmigrate generate`" + `.
# One line per migration: hash of its up and down files, tables its up file creates (+) and drops (-).
# Review it with the migrations. After an intended hand edit of a migration file, run ` + "`mxmigrate rehash -n <env>`" + `.
`

// Marshal renders the manifest; the first line after the comments is a
// checksum of the lines below it.
func (s *Sum) Marshal() []byte {
	var body bytes.Buffer
	fmt.Fprintf(&body, "dialect %s\n", s.Dialect)
	fmt.Fprintf(&body, "table-prefix %s\n", strconv.Quote(s.TablePrefix))
	for _, e := range s.Entries {
		fmt.Fprintf(&body, "%s %s", e.Base(), e.Hash)
		for _, t := range e.Creates {
			fmt.Fprintf(&body, " +%s", strconv.Quote(t))
		}
		for _, t := range e.Drops {
			fmt.Fprintf(&body, " -%s", strconv.Quote(t))
		}
		body.WriteByte('\n')
	}
	var out bytes.Buffer
	out.WriteString(sumHeader)
	out.WriteString(hashBytes(body.Bytes()) + "\n")
	out.Write(body.Bytes())
	return out.Bytes()
}

// ReadSum reads a manifest; a missing file gives nil.
func ReadSum(path string) (*Sum, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &Sum{}
	var total string
	var body bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		if total == "" {
			if !strings.HasPrefix(text, "h1:") {
				return nil, fmt.Errorf("%s:%d: expected the manifest checksum (h1:...)", path, line)
			}
			total = text
			continue
		}
		body.WriteString(text + "\n")
		if err := s.parseLine(text); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if s.Dialect == "" {
		return nil, fmt.Errorf("%s: no `dialect` line", path)
	}
	s.Corrupt = total != hashBytes(body.Bytes())
	return s, nil
}

func (s *Sum) parseLine(text string) error {
	if d, ok := strings.CutPrefix(text, "dialect "); ok {
		s.Dialect = strings.TrimSpace(d)
		return nil
	}
	if p, ok := strings.CutPrefix(text, "table-prefix "); ok {
		v, err := strconv.Unquote(strings.TrimSpace(p))
		if err != nil {
			return fmt.Errorf("table-prefix must be a quoted string")
		}
		s.TablePrefix = v
		return nil
	}
	fields, err := splitFields(text)
	if err != nil {
		return err
	}
	if len(fields) < 2 || !strings.HasPrefix(fields[1], "h1:") {
		return fmt.Errorf("expected `<version>_<name> h1:<hash> [+\"table\"] [-\"table\"]`")
	}
	digits, name, ok := strings.Cut(fields[0], "_")
	v, err := strconv.ParseUint(digits, 10, 64)
	if !ok || err != nil {
		return fmt.Errorf("bad migration name %q", fields[0])
	}
	e := SumEntry{Version: v, Digits: digits, Name: name, Hash: fields[1]}
	for _, f := range fields[2:] {
		if len(f) < 3 || (f[0] != '+' && f[0] != '-') {
			return fmt.Errorf("bad table entry %q", f)
		}
		t, err := strconv.Unquote(f[1:])
		if err != nil {
			return fmt.Errorf("bad table entry %q", f)
		}
		if f[0] == '+' {
			e.Creates = append(e.Creates, t)
		} else {
			e.Drops = append(e.Drops, t)
		}
	}
	s.Entries = append(s.Entries, e)
	return nil
}

// splitFields splits on spaces, keeping quoted strings (with escapes) whole.
func splitFields(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			if s[j] == '"' {
				j++
				for j < len(s) && s[j] != '"' {
					if s[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated quote")
				}
			}
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out, nil
}
