package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/plan"
)

// costed is one statement of a plan with the file it is in (1-based).
type costed struct {
	stmt plan.Statement
	file int
}

// statementsOf maps each change of the plan (by its summary) to the up
// statements that carry it out, in order.
func statementsOf(cmp *mxmigrate.Comparison) map[string][]costed {
	out := map[string][]costed{}
	for i, st := range cmp.Steps {
		for _, s := range st.Up {
			for _, c := range s.Changes {
				k := c.Summary()
				out[k] = append(out[k], costed{s, i + 1})
			}
		}
	}
	return out
}

// printPlan prints each change, then what each of its statements costs on
// the live table (with its file, when the plan takes several: by its name
// when names has it, "000007_add_scores_index", else by its place).
func printPlan(c *cli.Context, out io.Writer, cmp *mxmigrate.Comparison, names []string) {
	color := colorOn(c, out)
	stmts := statementsOf(cmp)
	for _, ch := range cmp.Changes {
		line := ch.Summary()
		if why := ch.Destructive(); why != "" {
			line += "   [DESTRUCTIVE: " + why + "]"
		}
		if color {
			code := "32"
			switch line[0] {
			case '~':
				code = "33"
			case '-':
				code = "31"
			}
			line = "\x1b[" + code + "m" + line + "\x1b[0m"
		}
		fmt.Fprintln(out, line)
		list := stmts[ch.Summary()]
		for _, s := range list {
			if s.stmt.Cost == nil {
				continue
			}
			cost := s.stmt.Cost.String()
			if len(cmp.Steps) > 1 {
				file := fmt.Sprintf("file %d", s.file)
				if s.file <= len(names) {
					file = names[s.file-1]
				}
				cost = file + ": " + cost
			}
			cost = "    " + cost
			if len(list) > 1 {
				cost += "   (" + shortSQL(s.stmt.SQL) + ")"
			}
			if color {
				cost = "\x1b[2m" + cost + "\x1b[0m"
			}
			fmt.Fprintln(out, cost)
		}
	}
	printHints(out, cmp)
}

// printHints says which drops and adds of the plan look like renames, and
// how to plan them as renames (which keep the values).
func printHints(out io.Writer, cmp *mxmigrate.Comparison) {
	idx := cmp.Target.Index()
	for _, h := range diff.RenameHints(cmp.Changes) {
		key := ""
		if t := idx[h.Table]; t != nil {
			key = t.FeatureKey
		}
		if h.Column {
			fmt.Fprintf(out, "? %s.%s -> %s looks like a rename: to keep its values, plan it as one with --rename %s.%s=%s", h.Table, h.Old, h.New, h.Table, h.Old, h.New)
			if key != "" {
				fmt.Fprintf(out, " or [ext.mxmigrate] renames = { %q = { %s = %q } }", key, h.Old, h.New)
			}
			fmt.Fprintln(out)
			continue
		}
		fmt.Fprintf(out, "? table %s -> %s looks like a rename: to keep its rows, plan it as one with --rename %s=%s", h.Old, h.New, h.Old, h.New)
		if key != "" {
			fmt.Fprintf(out, " or [ext.mxmigrate] renames = { \"<old key>\" = %q } (the feature key whose table was %s)", key, h.Old)
		}
		fmt.Fprintln(out)
	}
}

// shortSQL is a statement on one line, cut to 72 characters.
func shortSQL(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if r := []rune(s); len(r) > 72 {
		return string(r[:71]) + "…"
	}
	return s
}

type statementJSON struct {
	File   int    `json:"file"`
	SQL    string `json:"sql"`
	Table  string `json:"table"`
	Effect string `json:"effect"`
	Lock   string `json:"lock"`
	// Rows and Bytes are the live table's estimates; null when unknown
	// (PostgreSQL before ANALYZE; DuckDB's bytes); a new table has 0 rows,
	// but on --baseline the live table's where it exists.
	Rows  *int64 `json:"rows"`
	Bytes *int64 `json:"bytes"`
}

type changeJSON struct {
	Kind        string          `json:"kind"`
	Table       string          `json:"table"`
	Summary     string          `json:"summary"`
	Destructive string          `json:"destructive"`
	Statements  []statementJSON `json:"statements"`
}

func planJSON(env string, cmp *mxmigrate.Comparison, extra map[string]any) map[string]any {
	stmts := statementsOf(cmp)
	list := make([]changeJSON, 0, len(cmp.Changes))
	for _, ch := range cmp.Changes {
		cj := changeJSON{Kind: ch.Kind.String(), Table: ch.Table, Summary: ch.Summary(), Destructive: ch.Destructive(), Statements: []statementJSON{}}
		for _, s := range stmts[ch.Summary()] {
			cj.Statements = append(cj.Statements, statementOf(s))
		}
		list = append(list, cj)
	}
	m := map[string]any{"format_version": formatVersion, "environment": env, "changes": list, "unmanaged": unmanagedJSON(cmp)}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func statementOf(s costed) statementJSON {
	sj := statementJSON{File: s.file, SQL: s.stmt.SQL}
	c := s.stmt.Cost
	if c == nil {
		return sj
	}
	sj.Table, sj.Effect, sj.Lock = c.Table, string(c.Effect), c.Lock
	if c.Effect == plan.NewTable && c.Stats == nil {
		zero := int64(0)
		sj.Rows, sj.Bytes = &zero, &zero
		return sj
	}
	if c.Stats != nil {
		if c.Stats.Rows >= 0 {
			sj.Rows = &c.Stats.Rows
		}
		if c.Stats.Bytes >= 0 {
			sj.Bytes = &c.Stats.Bytes
		}
	}
	return sj
}
