package mxmigrate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// dirtyAdvice says what is known of a dirty version, for status, up,
// down, generate and check: which file stopped part-way (a failure, or a
// process killed with kill -9), what it does, whether it ran in one
// transaction (then nothing of it was applied, and forcing the version
// before it is safe), what it left behind (invalid indexes, rebuild
// tables) with the statement that removes each, and the commands to go on.
// golang-migrate's table does not say whether an up or a down stopped, so
// both are named where both are possible.
func (p *Project) dirtyAdvice(ctx context.Context, env *Env, st State, dir *generator.Dir) string {
	v := st.Version
	var b strings.Builder
	if st.Holder != "" {
		fmt.Fprintf(&b, "%s: version %s is marked dirty because a run is applying it now: the migrations lock is held by %s. Wait for it (`mxmigrate up` waits for it too); nothing needs repairing while it runs. (If that run's client was killed, its database session may still be running the statement: it ends on its own, or with pg_cancel_backend.)",
			env.Name, versionText(v), st.Holder)
		return b.String()
	}
	fmt.Fprintf(&b, "%s: the database is dirty at version %s: a run stopped part-way (a failed statement, or a killed process).", env.Name, versionText(v))
	force := func(to int64) string { return fmt.Sprintf("`mxmigrate force -n %s %d`", env.Name, to) }
	up := fmt.Sprintf("`mxmigrate up -n %s`", env.Name)
	next, hasNext := dir.Next(v)
	if v < 0 {
		if hasNext {
			fmt.Fprintf(&b, "\n  `down` stopped in %s.", p.rel(next.Down))
			b.WriteString(p.fileAdvice(ctx, env, next.Down))
		}
		return b.String()
	}
	f, ok := dir.Find(uint64(v))
	if !ok {
		fmt.Fprintf(&b, "\n  %s has no migration %d (wrong directory, or files missing): check out the matching migrations, then run status again; or, once you know the version the tables are at, %s.",
			p.rel(env.Dir), v, strings.Replace(force(v), fmt.Sprint(v), "<version>", 1))
		return b.String()
	}
	prev := int64(-1)
	if pf, ok := dir.Prev(f.Version); ok {
		prev = int64(pf.Version)
	}
	fmt.Fprintf(&b, "\n  If `up` stopped in %s:", p.rel(f.Up))
	b.WriteString(p.fileAdvice(ctx, env, f.Up))
	fmt.Fprintf(&b, "\n  Then %s (the version before it) and %s.", force(prev), up)
	if hasNext {
		fmt.Fprintf(&b, "\n  If instead `down` stopped in %s:", p.rel(next.Down))
		b.WriteString(p.fileAdvice(ctx, env, next.Down))
		fmt.Fprintf(&b, "\n  Then %s.", force(int64(next.Version)))
	}
	fmt.Fprintf(&b, "\n  `mxmigrate check -n %s` shows how the tables differ from the target.", env.Name)
	return b.String()
}

// fileAdvice says what the file at path does and what a stop in it left.
func (p *Project) fileAdvice(ctx context.Context, env *Env, path string) string {
	body, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf(" (cannot read it: %v)", err)
	}
	var b strings.Builder
	stmts := sqltext.Split(string(body))
	fmt.Fprintf(&b, " it runs %d statement(s)", len(stmts))
	for i, st := range stmts {
		if i == 4 {
			fmt.Fprintf(&b, "\n      ... (%d more)", len(stmts)-4)
			break
		}
		first, _, _ := strings.Cut(st.Text, "\n")
		fmt.Fprintf(&b, "\n      %d: %s", st.Line, capText(first, 1, 120))
	}
	noTx := bytes.Contains(body, []byte(generator.NoTxMarker))
	switch {
	case noTx:
		b.WriteString("\n    It runs outside a transaction, so what it did stays.")
		b.WriteString(p.indexLeftover(ctx, env, body))
	case env.Dialect.Transactional():
		b.WriteString("\n    It runs in one transaction, so nothing of it was applied.")
	default:
		b.WriteString("\n    It runs statement by statement without a transaction: what ran before the stop stays, and its statements are written to be run again (IF [NOT] EXISTS; a rebuild resumes from the table it marked).")
		b.WriteString(p.tableLeftovers(ctx, env, body))
	}
	return b.String()
}

// indexLeftover says whether the index a concurrent file builds or drops
// exists, and whether it is valid.
func (p *Project) indexLeftover(ctx context.Context, env *Env, body []byte) string {
	m := concurrentIndexOn.FindSubmatch(body)
	drop := false
	if m == nil {
		if m = concurrentDrop.FindSubmatch(body); m == nil {
			return ""
		}
		drop = true
	}
	name := unquote(string(m[1]))
	var scope []string // a concurrent drop does not name its table: all of them
	if !drop {
		scope = []string{unquote(string(m[2]))}
	}
	live := p.liveNow(ctx, env, scope)
	if live == nil {
		return ""
	}
	for _, t := range live.Tables {
		for _, ix := range t.Indexes {
			if ix.Name != name {
				continue
			}
			if ix.Invalid {
				return fmt.Sprintf("\n    Index %s on %s is INVALID, left by the stopped build: remove it with `DROP INDEX CONCURRENTLY IF EXISTS %s;`", env.Dialect.Quote(name), t.Name, env.Dialect.Quote(name))
			}
			if drop {
				return fmt.Sprintf("\n    Index %s still exists: the drop did not happen (running the file again drops it).", env.Dialect.Quote(name))
			}
			return fmt.Sprintf("\n    Index %s exists and is valid: the build finished before the stop, so the database is at the version this file leads to.", env.Dialect.Quote(name))
		}
	}
	if drop {
		return fmt.Sprintf("\n    Index %s no longer exists: the drop finished before the stop.", env.Dialect.Quote(name))
	}
	return fmt.Sprintf("\n    Index %s does not exist: the build never started.", env.Dialect.Quote(name))
}

// stateError is checkState's refusal, with what is known of a dirty
// version in place of the bare refusal.
func (p *Project) stateError(ctx context.Context, env *Env, st State, dir *generator.Dir, requireLatest bool) error {
	err := checkState(env, st, dir, requireLatest)
	if err != nil && st.Dirty {
		return &Refusal{p.dirtyAdvice(ctx, env, st, dir)}
	}
	return err
}

// tableLeftovers names the rebuild tables a file uses that exist, with
// their rows, and the statement that removes each.
func (p *Project) tableLeftovers(ctx context.Context, env *Env, body []byte) string {
	var names []string
	seen := map[string]bool{}
	for _, m := range scratchTable.FindAllSubmatch(body, -1) {
		n := unquote(string(m[1]))
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	live := p.liveNow(ctx, env, names)
	if live == nil {
		return ""
	}
	marks := rebuildMark.FindAll(body, -1)
	var b strings.Builder
	for _, n := range names {
		t := live.Table(n)
		if t == nil {
			continue
		}
		rows := "rows unknown"
		if t.Stats != nil && t.Stats.Rows >= 0 {
			rows = fmt.Sprintf("%d rows", t.Stats.Rows)
		}
		if !carriesMark(t, marks) {
			fmt.Fprintf(&b, "\n    Table %s (%s) exists but does not carry this file's mark: it is not its leftover (someone made it), and the file stops at it every time it runs. Rename or drop it once you know it holds nothing you need, then run the file again.", env.Dialect.Quote(n), rows)
			continue
		}
		fmt.Fprintf(&b, "\n    Table %s (%s) is left by the stopped rebuild (it carries this file's mark): running the file again uses it; to give the rebuild up instead, check which table holds the rows you want (the rebuild exchanges the two), then `DROP TABLE %s;`", env.Dialect.Quote(n), rows, env.Dialect.Quote(n))
	}
	return b.String()
}

// rebuildMark is the comment a rebuild puts on the table it builds, so
// that only its own leftover is taken for one (dialect/clickhouse).
var rebuildMark = regexp.MustCompile(`mxmigrate rebuild [0-9a-f]+`)

// carriesMark reports whether a live table's comment is one of the marks.
func carriesMark(t *schema.Table, marks [][]byte) bool {
	if t.Storage == nil {
		return len(marks) == 0
	}
	for _, u := range t.Storage.Unmodeled {
		for _, m := range marks {
			if strings.Contains(u, string(m)) {
				return true
			}
		}
	}
	return false
}

var (
	// concurrentIndexOn finds the index a concurrent build creates (as
	// written, quotes and all) and its table; concurrentDrop the index a
	// concurrent drop drops
	concurrentIndexOn = regexp.MustCompile(`(?im)^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|\S+)\s+ON\s+(?:ONLY\s+)?("(?:[^"]|"")+"|[^\s(]+)`)
	concurrentDrop    = regexp.MustCompile(`(?im)^DROP\s+INDEX\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?("(?:[^"]|"")+"|[^\s;]+)`)
	scratchTable      = regexp.MustCompile("([\"`]?[A-Za-z0-9_$]*__mxmigrate_(?:new|rebuild)[A-Za-z0-9_]*[\"`]?)")
)

// unquote removes the quotes of a quoted identifier.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '`') && s[len(s)-1] == s[0] {
		q := string(s[0])
		return strings.ReplaceAll(s[1:len(s)-1], q+q, q)
	}
	return s
}

// capText keeps at most maxLines lines of s, each cut to width bytes (on a
// rune boundary), saying how much was left out: a failing statement or a
// database message that echoes it may be hundreds of kilobytes.
func capText(s string, maxLines, width int) string {
	lines := strings.Split(s, "\n")
	more := 0
	if len(lines) > maxLines {
		more = len(lines) - maxLines
		lines = lines[:maxLines]
	}
	for i, l := range lines {
		if len(l) > width {
			cut := schema.TruncateBytes(l, width)
			lines[i] = cut + fmt.Sprintf(" ... (%d more bytes)", len(l)-len(cut))
		}
	}
	out := strings.Join(lines, "\n")
	if more > 0 {
		out += fmt.Sprintf("\n... (%d more lines)", more)
	}
	return out
}
