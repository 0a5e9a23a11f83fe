package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/proof"
)

// commands is the CLI's command table, one entry per command with its flags;
// it is long because it is the whole table, which reads best in one place.
func commands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "generate",
			Usage:     "compare the target with the live database and write the next migration, once it has run on a dev database with sample rows (its plan says what each statement costs on the live table, and what the proof found; a PostgreSQL plan may take several files)",
			UsageText: "mxmigrate generate -n STORE:TARGET [-m MSG] [--allow-destructive] [--dry-run [--json]] [--no-proof] [--dev-url URL] [--offline] [--format STYLE] [--baseline] [--allow-empty] [--all-projects|--project P] [--definitions-from-store[=STORE]|--no-definitions-from-store] [--rename TABLE.OLD=NEW ...] [--inject-primary-key|--no-inject-primary-key] [--inject-index|--no-inject-index]",
			Flags: append([]cli.Flag{
				oneEnvFlag(),
				&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "migration name `MSG` (slugged into the file name)", EnvVars: []string{"MXMIGRATE_MESSAGE"}},
				&cli.BoolFlag{Name: "allow-destructive", Usage: "write destructive changes (drops, type changes, SET NOT NULL), marked -- DESTRUCTIVE", EnvVars: []string{"MXMIGRATE_ALLOW_DESTRUCTIVE"}},
				&cli.BoolFlag{Name: "dry-run", Usage: "print the plan with each statement's cost, what the proof found, and the files' SQL; write nothing (a plan refused as destructive prints the plan and the refusal, without SQL, and exits 1)", EnvVars: []string{"MXMIGRATE_DRY_RUN"}},
				&cli.StringFlag{Name: "format", Usage: "version `STYLE`: seq (000001) or unix (timestamps); default follows the directory", EnvVars: []string{"MXMIGRATE_FORMAT"}},
				&cli.BoolFlag{Name: "allow-empty", Usage: "plan even when no feature definition is found (retiring every feature table; refused otherwise, as a forgotten --definitions-from-store looks the same)", EnvVars: []string{"MXMIGRATE_ALLOW_EMPTY"}},
				&cli.BoolFlag{Name: "baseline", Usage: "write the first migration as if the database were empty (adopting a store whose tables exist; then mxmigrate force)", EnvVars: []string{"MXMIGRATE_BASELINE"}},
				&cli.BoolFlag{Name: "no-proof", Usage: "write the plan without running it on a dev database with sample rows first (the files say so; docs/proof.md)", EnvVars: []string{"MXMIGRATE_NO_PROOF"}},
				&cli.StringFlag{Name: "dev-url", Usage: "the dev database `URL` to prove the plan on: duckdb::memory:, docker://postgres/MAJOR, postgresql://SERVER, chdb:, clickhouse://SERVER (default: [ext.mxmigrate] dev_url, else the dialect's: an in-memory DuckDB; on PostgreSQL a container of the live server's major when Docker answers, else a scratch database on the live server; on ClickHouse a scratch database beside an embedded live one, else embedded chDB in a temporary directory (a server, with libchdb at hand; --offline); docs/proof.md)", EnvVars: []string{"MXMIGRATE_DEV_URL"}},
				&cli.BoolFlag{Name: "offline", Usage: "plan against the committed files replayed on the dev database instead of the live database, never connecting to it (PostgreSQL: needs dev_url, e.g. docker://postgres/16; ClickHouse: embedded chDB in a temporary directory by default)", EnvVars: []string{"MXMIGRATE_OFFLINE"}},
				jsonFlag(),
			}, targetFlags()...),
			Action: jsonErrors(generateCmd),
		},
		{
			Name:      "new",
			Usage:     "write an empty migration, the next version, for hand-written SQL (a backfill, a data fix): edit it, then rehash and lint",
			UsageText: "mxmigrate new -n STORE:TARGET -m NAME [--format STYLE]",
			Flags: []cli.Flag{
				oneEnvFlag(),
				&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "migration name `NAME` (slugged into the file name; required)", EnvVars: []string{"MXMIGRATE_MESSAGE"}},
				&cli.StringFlag{Name: "format", Usage: "version `STYLE`: seq (000001) or unix (timestamps); default follows the directory", EnvVars: []string{"MXMIGRATE_FORMAT"}},
			},
			Action: newCmd,
		},
		{
			Name:      "squash",
			Usage:     "replace the migrations up to version V (default: the latest) with one file at V that creates the schema they leave on a dev database; later files stay; refused while a database it can reach is below V",
			UsageText: "mxmigrate squash -n STORE:TARGET [--to V] [-m NAME] [--dev-url URL] [--dry-run]",
			Flags: []cli.Flag{
				oneEnvFlag(),
				&cli.Uint64Flag{Name: "to", Usage: "the last `VERSION` replaced", DefaultText: "the directory's latest", EnvVars: []string{"MXMIGRATE_TO"}},
				&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "the new file's `NAME` (default: squashed)", EnvVars: []string{"MXMIGRATE_MESSAGE"}},
				&cli.StringFlag{Name: "dev-url", Usage: "the dev database `URL` the files are replayed on (default: [ext.mxmigrate] dev_url, else the dialect's)", EnvVars: []string{"MXMIGRATE_DEV_URL"}},
				&cli.BoolFlag{Name: "dry-run", Usage: "check and print the new file; change nothing", EnvVars: []string{"MXMIGRATE_DRY_RUN"}},
			},
			Action: squashCmd,
		},
		{
			Name:      "up",
			Usage:     "apply pending migrations (all, or N)",
			UsageText: "mxmigrate up [-n STORE[:TARGET]] [--lock-wait DURATION] [N]",
			Flags:     []cli.Flag{envFlag("environment `<store>[:<target>]`; <store> alone means both, system first (default: the default store, both)"), lockWaitFlag()},
			Action:    upCmd,
		},
		{
			Name:      "down",
			Usage:     "revert the last N migrations (default 1), or --all; -n <store> reverts only its feature tables (name <store>:metaxy_system to revert the system tables)",
			UsageText: "mxmigrate down [-n STORE[:TARGET]] [--all [--yes]] [--lock-wait DURATION] [N]",
			Flags: []cli.Flag{envFlag("environment `<store>[:<target>]`; <store> alone means <store>:metaxy_features (default: the default store's feature tables)"),
				&cli.BoolFlag{Name: "all", Usage: "revert every applied migration (asks for confirmation on a terminal; --yes otherwise)", EnvVars: []string{"MXMIGRATE_ALL"}},
				&cli.BoolFlag{Name: "yes", Usage: "confirm --all without asking (needed when stdin is not a terminal)", EnvVars: []string{"MXMIGRATE_YES"}},
				lockWaitFlag()},
			Action: downCmd,
		},
		{
			Name:      "status",
			Usage:     "show the applied version, dirty flag and pending files",
			UsageText: "mxmigrate status [-n STORE[:TARGET]] [--json]",
			Flags:     []cli.Flag{bothEnvFlag(), jsonFlag()},
			Action:    jsonErrors(statusCmd),
		},
		{
			Name:      "lint",
			Usage:     "replay the committed migrations on a dev database with sample rows, each file up, down and up again; report what files do to values, downs that do not restore, statements that drop or retype data without a DESTRUCTIVE comment, mxmigrate.sum mismatches; exit 1 on findings (for CI)",
			UsageText: "mxmigrate lint [-n STORE[:TARGET]] [--dev-url URL] [--base REF] [--json]",
			Flags: []cli.Flag{bothEnvFlag(), jsonFlag(),
				&cli.StringFlag{Name: "dev-url", Usage: "the dev database `URL` (default: [ext.mxmigrate] dev_url, else the dialect's)", EnvVars: []string{"MXMIGRATE_DEV_URL"}},
				&cli.StringFlag{Name: "base", Usage: "a git `REF` (the base branch, e.g. origin/main): report migrations of this branch whose versions are not after the base's last, versions both have under other names, and base migrations this branch does not have"}},
			Action: jsonErrors(lintCmd),
		},
		{
			Name:      "check",
			Usage:     "exit 1 when the live database differs from the target (for CI)",
			UsageText: "mxmigrate check [-n STORE[:TARGET]] [--json] [--all-projects|--project P] [--definitions-from-store[=STORE]|--no-definitions-from-store] [--rename TABLE.OLD=NEW ...] [--inject-primary-key|--no-inject-primary-key] [--inject-index|--no-inject-index]",
			Flags:     append([]cli.Flag{bothEnvFlag(), jsonFlag()}, targetFlags()...),
			Action:    jsonErrors(checkCmd),
		},
		{
			Name:      "url",
			Usage:     "print the golang-migrate URL of an environment (for the stock migrate CLI)",
			UsageText: "mxmigrate url -n STORE:TARGET [--protocol SCHEME] [--port PORT]",
			Flags: []cli.Flag{oneEnvFlag(),
				&cli.StringFlag{Name: "protocol", Usage: "replace only the URL's scheme with `SCHEME`", EnvVars: []string{"MXMIGRATE_PROTOCOL"}},
				&cli.IntFlag{Name: "port", Usage: "replace only the URL's port with `PORT`", DefaultText: "the store's", EnvVars: []string{"MXMIGRATE_PORT"}}},
			Action: urlCmd,
		},
		{
			Name:      "force",
			Usage:     "record VERSION as applied and clean, running nothing (after repairing a dirty database)",
			UsageText: "mxmigrate force -n STORE:TARGET [--lock-wait DURATION] VERSION",
			Flags:     []cli.Flag{oneEnvFlag(), lockWaitFlag()},
			Action:    forceCmd,
		},
		{
			Name:      "rehash",
			Usage:     "record the directory's files in mxmigrate.sum as they are (after an intended hand edit)",
			UsageText: "mxmigrate rehash [-n STORE[:TARGET]]",
			Flags:     []cli.Flag{bothEnvFlag()},
			Action:    rehashCmd,
		},
		{
			Name:      "init",
			UsageText: "mxmigrate init",
			Usage:     "create a metaxy.toml (if there is none) and the migrations directories",
			Action:    initCmd,
		},
		{
			Name:  "version",
			Usage: "print mxmigrate's version, commit, golang-migrate's version, and each dialect's engine and client versions (" + strings.Join(dialect.Names(), ", ") + ")",
			Action: func(c *cli.Context) error {
				for _, l := range readBuildInfo().lines(dialectVersions()) {
					fmt.Fprintln(c.App.Writer, l)
				}
				return nil
			},
		},
	}
}

func noArgs(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usagef("%s takes no arguments (got %q)", c.Command.Name, c.Args().First())
	}
	return nil
}

func generateCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	to, err := targetOptions(c)
	if err != nil {
		return err
	}
	if f := c.String("format"); f != "" && f != "seq" && f != "unix" {
		return usagef("--format %q: use seq or unix", f)
	}
	if c.Bool("json") && !c.Bool("dry-run") {
		return usagef("--json goes with --dry-run")
	}
	return generate(c, to)
}

func generate(c *cli.Context, to mxmigrate.TargetOptions) error {
	p, envs, err := loadEnvironments(c, true)
	if err != nil {
		return err
	}
	env := envs[0]
	res, err := p.Generate(c.Context, env, mxmigrate.GenerateOptions{TargetOptions: to, Message: c.String("message"),
		AllowDestructive: c.Bool("allow-destructive"), DryRun: c.Bool("dry-run"), Format: c.String("format"), Baseline: c.Bool("baseline"), AllowEmpty: c.Bool("allow-empty"),
		NoProof: c.Bool("no-proof"), DevURL: c.String("dev-url"), Offline: c.Bool("offline")})
	out := c.App.Writer
	if err != nil {
		var de *mxmigrate.DestructiveError
		if errors.As(err, &de) && res != nil {
			if c.Bool("json") {
				if err := writeJSON(out, generateJSON(env.Name, res, err)); err != nil {
					return err
				}
				return exitCode(exitNo)
			}
			printPlan(c, out, res.Comparison, res.Names)
		}
		return err
	}
	if c.Bool("verbose") {
		fmt.Fprintf(c.App.ErrWriter, "%s: %d catalog queries, %d tables in the target\n", env.Name, res.Comparison.CatalogQueries, len(res.Comparison.Target.Tables))
		for _, t := range res.Comparison.Timings {
			fmt.Fprintf(c.App.ErrWriter, "  %-45s %8.1f ms\n", t.Phase, float64(t.Duration.Microseconds())/1000)
		}
		printUnmanaged(c.App.ErrWriter, env.Name, res.Comparison)
	}
	if c.Bool("json") {
		return writeJSON(out, generateJSON(env.Name, res, nil))
	}
	if res.NoChanges {
		fmt.Fprintln(out, "No changes detected")
		return nil
	}
	printPlan(c, out, res.Comparison, res.Names)
	printProof(out, res.Proof)
	if c.Bool("dry-run") {
		printDryRun(out, res)
		return nil
	}
	printWritten(out, env.Name, res, c.Bool("baseline"))
	return nil
}

// printProof says what running the plan on a dev database found.
func printProof(out io.Writer, r *proof.Report) {
	if r == nil {
		return
	}
	if r.Skipped != "" {
		fmt.Fprintf(out, "\nProof: not run (%s).\n", r.Skipped)
		return
	}
	failed, skipped := 0, 0
	for _, c := range r.Checks {
		switch c.Result {
		case "fail":
			failed++
		case "skipped":
			skipped++
		}
	}
	verdict := "every check passed"
	switch {
	case failed > 0:
		verdict = fmt.Sprintf("%d check(s) found what values do", failed)
	case skipped > 0:
		verdict = fmt.Sprintf("no finding, but %d check(s) could not run (skipped below)", skipped)
	}
	fmt.Fprintf(out, "\nProof on %s (%d sample rows): %s.\n", r.Dev, r.SampleRows, verdict)
	for _, c := range r.Checks {
		line := "  " + c.Result + ": " + c.Name
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		fmt.Fprintln(out, line)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(out, "  ! %s\n", f)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(out, "  - %s\n", n)
	}
}

// printDryRun prints the files a dry run would write.
func printDryRun(out io.Writer, res *mxmigrate.GenerateResult) {
	if len(res.Files) == 1 {
		fmt.Fprintf(out, "\n-- ---- up ----\n%s\n-- ---- down ----\n%s", res.Up, res.Down)
		return
	}
	for i, f := range res.Files {
		name := fmt.Sprintf("file %d of %d", i+1, len(res.Files))
		if i < len(res.Names) {
			name = fmt.Sprintf("%s (file %d of %d)", res.Names[i], i+1, len(res.Files))
		}
		fmt.Fprintf(out, "\n-- ---- %s: up ----\n%s\n-- ---- %s: down ----\n%s", name, f.Up, name, f.Down)
	}
}

// printWritten names the files written, and for a baseline how to record
// or apply it.
func printWritten(out io.Writer, env string, res *mxmigrate.GenerateResult, baseline bool) {
	for _, f := range res.Written {
		fmt.Fprintf(out, "wrote %s\nwrote %s\n", relPath(f.Up), relPath(f.Down))
	}
	if n := len(res.Written); n > 1 {
		fmt.Fprintf(out, "The plan takes %d files: statements that must not share a transaction are in files of their own; `mxmigrate up` applies them in order.\n", n)
	}
	if !baseline {
		return
	}
	switch {
	case len(res.Comparison.LiveChanges) == 0:
		fmt.Fprintf(out, "The database already matches this baseline: record it as applied with `mxmigrate force -n %s %d`.\n", env, res.File.Version)
	case createsAll(res.Comparison.LiveChanges, len(res.Comparison.Target.Tables)):
		fmt.Fprintf(out, "None of its tables exist yet: apply it with `mxmigrate up -n %s`.\n", env)
	default:
		// up would stop at the first CREATE TABLE of a table that exists, leaving the version dirty
		fmt.Fprintf(out, "The database differs from this baseline in %d place(s) (`mxmigrate check -n %s` lists them). Do not apply it with up: its tables exist. Record it with `mxmigrate force -n %s %d`, then `mxmigrate generate -n %s` writes the differences as the next migration (or fix the tables by hand before recording it).\n",
			len(res.Comparison.LiveChanges), env, env, res.File.Version, env)
	}
}

// createsAll reports whether the changes create all n tables and do nothing
// else: a baseline none of whose tables exist.
func createsAll(cs []diff.Change, n int) bool {
	for _, c := range cs {
		if c.Kind != diff.CreateTable {
			return false
		}
	}
	return len(cs) == n
}

func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func colorOn(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "a -> b" as written, for bots that grep
	return enc.Encode(v)
}

// flagAfterArgs refuses a flag written after an argument, which urfave/cli
// takes for an argument ("force -n E 1 --lock-wait 2s").
func flagAfterArgs(c *cli.Context) error {
	args := c.Args().Slice()
	for i, a := range args {
		if i > 0 && strings.HasPrefix(a, "-") && !negativeRE.MatchString(a) {
			return usagef("%s: flags go before the arguments: %q comes after %q", c.Command.Name, a, args[0])
		}
	}
	return nil
}

func countArg(c *cli.Context) (int, error) {
	if err := flagAfterArgs(c); err != nil {
		return 0, err
	}
	switch c.Args().Len() {
	case 0:
		return 0, nil
	case 1:
		n, err := strconv.Atoi(c.Args().First())
		if err != nil || n <= 0 {
			return 0, usagef("%s: N must be a positive number, got %q", c.Command.Name, c.Args().First())
		}
		return n, nil
	}
	return 0, usagef("%s takes at most one argument (N)", c.Command.Name)
}

func upCmd(c *cli.Context) error {
	n, err := countArg(c)
	if err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	for _, env := range envs {
		if _, err := p.Up(c.Context, env, n, c.App.Writer); err != nil {
			return err
		}
	}
	return nil
}

func downCmd(c *cli.Context) error {
	n, err := countArg(c)
	if err != nil {
		return err
	}
	if c.Bool("all") {
		if n != 0 {
			return usagef("down: give N or --all, not both")
		}
		n = -1
	} else if n == 0 {
		n = 1
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	if len(envs) > 1 {
		// -n <store> (or no -n): the feature tables only. Reverting Metaxy's
		// system tables drops the feature_versions history with its rows, so
		// it must be asked for by name.
		sys := envs[0]
		envs = envs[len(envs)-1:]
		fmt.Fprintf(c.App.ErrWriter, "mxmigrate: down -n %s reverts %s only; to revert Metaxy's system tables too, run `mxmigrate down -n %s` as well\n",
			sys.Store.Name, envs[0].Name, sys.Name)
	}
	env := envs[0]
	if n < 0 && !c.Bool("yes") {
		if err := confirmAll(c, p, env); err != nil {
			return err
		}
	}
	_, err = p.Down(c.Context, env, n, c.App.Writer)
	return err
}

// confirmAll asks before down --all, as golang-migrate's CLI does: on a
// terminal it asks; elsewhere (CI, a pipe) it needs --yes.
func confirmAll(c *cli.Context, p *mxmigrate.Project, env *mxmigrate.Env) error {
	s, err := p.Status(c.Context, env)
	if err != nil {
		return err
	}
	applied := s.Applied
	if applied == 0 {
		return nil // nothing to revert: down says so
	}
	what := fmt.Sprintf("%s: revert all %d applied migration(s) (version %d down to none), dropping the tables they created with their rows", env.Name, applied, s.Version)
	if !isTerminal(c.App.Reader) {
		return usagef("%s? down --all asks first; add --yes to confirm when not on a terminal", what)
	}
	fmt.Fprintf(c.App.ErrWriter, "%s? [y/N] ", what)
	answer, _ := bufio.NewReader(c.App.Reader).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		fmt.Fprintln(c.App.ErrWriter, "Aborted: nothing reverted.")
		return exitCode(exitNo)
	}
	return nil
}

// isTerminal reports whether r or w is a terminal (not /dev/null, which is
// a character device too).
func isTerminal(rw any) bool {
	if u, ok := rw.(interface{ Unwrap() io.Writer }); ok {
		rw = u.Unwrap()
	}
	f, ok := rw.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func statusCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	var all []*mxmigrate.Status
	for _, env := range envs {
		s, err := p.Status(c.Context, env)
		if err != nil {
			return err
		}
		all = append(all, s)
	}
	if c.Bool("json") {
		out := []statusJSON{}
		for _, s := range all {
			out = append(out, statusOf(s))
		}
		return writeJSON(c.App.Writer, out)
	}
	for _, s := range all {
		v := "none"
		if s.Version >= 0 {
			v = strconv.FormatInt(s.Version, 10)
		}
		state := "clean"
		if s.Dirty {
			state = "DIRTY"
		}
		fmt.Fprintf(c.App.Writer, "%s: version %s, %s; %d pending in %s (table %s)\n", s.Env, v, state, len(s.PendingFiles), s.Dir, s.Table)
		if s.Advice != "" {
			_, advice, _ := strings.Cut(s.Advice, ": ")
			fmt.Fprintf(c.App.Writer, "  %s\n", strings.ReplaceAll(advice, "\n", "\n  "))
		}
		for _, f := range s.PendingFiles {
			fmt.Fprintf(c.App.Writer, "  pending %s\n", f)
		}
	}
	return nil
}

func lintCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	clean := true
	reports := []lintJSON{}
	for _, env := range envs {
		r, err := p.Lint(c.Context, env, mxmigrate.LintOptions{DevURL: c.String("dev-url"), Base: c.String("base")})
		if err != nil {
			return err
		}
		clean = clean && r.Clean
		reports = append(reports, lintJSON{FormatVersion: formatVersion, LintResult: r})
		if !c.Bool("json") {
			printLint(c.App.Writer, r)
		}
	}
	if c.Bool("json") {
		if err := writeJSON(c.App.Writer, reports); err != nil {
			return err
		}
	}
	if !clean {
		return exitCode(exitNo)
	}
	return nil
}

// printLint prints lint's report of one environment.
func printLint(w io.Writer, r *mxmigrate.LintResult) {
	if r.Manifest != "" {
		fmt.Fprintf(w, "%s: %s\n", r.Environment, r.Manifest)
	}
	for _, h := range r.History {
		fmt.Fprintf(w, "%s: ! %s\n", r.Environment, h)
	}
	for _, f := range r.Files {
		for _, n := range f.Notes {
			fmt.Fprintf(w, "%s: %s: note: %s\n", r.Environment, f.File, n)
		}
		if len(f.Findings) == 0 {
			fmt.Fprintf(w, "%s: %s: up, down, up again on %d sample rows: ok\n", r.Environment, f.File, f.SampleRows)
			continue
		}
		fmt.Fprintf(w, "%s: %s:\n", r.Environment, f.File)
		for _, x := range f.Findings {
			fmt.Fprintf(w, "  ! %s\n", x)
		}
	}
	if r.Clean {
		fmt.Fprintf(w, "%s: %d file(s) proved on %s: clean\n", r.Environment, len(r.Files), r.Dev)
	}
}

func checkCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	to, err := targetOptions(c)
	if err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	inSync := true
	var reports []map[string]any
	for _, env := range envs {
		r, err := p.Check(c.Context, env, to)
		if err != nil {
			return err
		}
		inSync = inSync && r.InSync
		if c.Bool("verbose") {
			fmt.Fprintf(c.App.ErrWriter, "%s: %d catalog queries\n", env.Name, r.Comparison.CatalogQueries)
		}
		if c.Bool("json") {
			reports = append(reports, checkJSON(env.Name, r))
			continue
		}
		printCheck(c, env.Name, r)
	}
	if c.Bool("json") {
		if err := writeJSON(c.App.Writer, reports); err != nil {
			return err
		}
	}
	if !inSync {
		return exitCode(exitNo)
	}
	return nil
}

// checkJSON is check's --json report of one environment.
// generateJSON is generate --dry-run --json's object, refused (err, a
// DestructiveError) or not: the same fields either way.
func generateJSON(env string, res *mxmigrate.GenerateResult, refused error) map[string]any {
	files := []map[string]any{}
	for _, f := range res.Files {
		files = append(files, map[string]any{"up": string(f.Up), "down": string(f.Down), "no_transaction": f.NoTx})
	}
	report := res.Proof
	if report != nil && report.Checks == nil {
		r := *report // a list is [] in JSON, never null (docs/json.md)
		r.Checks = []proof.Check{}
		report = &r
	}
	extra := map[string]any{"no_changes": res.NoChanges, "refused": false, "error": nil, "exit_code": 0,
		"up": string(res.Up), "down": string(res.Down), "files": files, "proof": report}
	if refused != nil {
		extra["refused"], extra["error"], extra["exit_code"] = true, refused.Error(), exitNo
	}
	return planJSON(env, res.Comparison, extra)
}

func checkJSON(env string, r *mxmigrate.CheckResult) map[string]any {
	pending := []string{}
	for _, f := range r.Pending {
		pending = append(pending, f.Base()+".up.sql")
	}
	return planJSON(env, r.Comparison, map[string]any{"in_sync": r.InSync, "pending": pending, "dirty": r.Comparison.State.Dirty,
		"catalog_queries": r.Comparison.CatalogQueries, "advice": r.DirtyAdvice})
}

// printCheck prints check's report of one environment: in sync, or how the
// database differs (dirty version and its advice, pending files, plan).
func printCheck(c *cli.Context, env string, r *mxmigrate.CheckResult) {
	w := c.App.Writer
	if r.InSync {
		fmt.Fprintf(w, "%s: in sync\n", env)
		printUnmanaged(w, env, r.Comparison)
		return
	}
	fmt.Fprintf(w, "%s: the database differs from the target:\n", env)
	if r.Comparison.State.Dirty {
		fmt.Fprintf(w, "  database is dirty at version %d\n", r.Comparison.State.Version)
		if r.DirtyAdvice != "" {
			first, more, _ := strings.Cut(r.DirtyAdvice, "\n")
			if r.Comparison.State.Holder != "" {
				_, more, _ = strings.Cut(first, ": ")
				more = "  " + more
			}
			fmt.Fprintf(w, "%s\n", more)
		}
		if r.Comparison.Unrendered != nil {
			fmt.Fprintf(w, "  the changes below cannot be planned until that is resolved: %s\n", r.Comparison.Unrendered)
		}
	}
	for _, f := range r.Pending {
		if tables := r.Existing[f.Version]; len(tables) > 0 {
			exists := "it exists"
			if len(tables) > 1 {
				exists = "they exist"
			}
			fmt.Fprintf(w, "  pending %s, which creates %s: %s already, and `up` would stop there. If the tables are as the file makes them (no change is listed below), record it with `mxmigrate force -n %s %d`\n",
				f.Base()+".up.sql", strings.Join(tables, ", "), exists, env, f.Version)
			continue
		}
		fmt.Fprintf(w, "  pending %s (run `mxmigrate up -n %s`)\n", f.Base()+".up.sql", env)
	}
	if r.Comparison.State.Holder == "" { // while a run applies a file, its half-done work is no plan
		printPlan(c, w, r.Comparison, nil)
	}
	printUnmanaged(w, env, r.Comparison)
}

func urlCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if port := c.Int("port"); port < 0 || port > 65535 {
		return usagef("--port %d is out of range (1-65535)", port)
	}
	p, envs, err := loadEnvironments(c, true)
	if err != nil {
		return err
	}
	u, err := p.URL(envs[0], dialect.URLOptions{Protocol: c.String("protocol"), Port: c.Int("port")})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, u)
	return nil
}

func forceCmd(c *cli.Context) error {
	if err := flagAfterArgs(c); err != nil {
		return err
	}
	if c.Args().Len() != 1 {
		return usagef("force needs exactly one VERSION (-1 for none applied)")
	}
	v, err := strconv.Atoi(c.Args().First())
	if err != nil || v < -1 {
		return usagef("force: VERSION must be a number >= -1, got %q", c.Args().First())
	}
	p, envs, err := loadEnvironments(c, true)
	if err != nil {
		return err
	}
	if err := p.Force(c.Context, envs[0], v); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "%s: version forced to %d (clean)\n", envs[0].Name, v)
	return nil
}

func newCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if f := c.String("format"); f != "" && f != "seq" && f != "unix" {
		return usagef("--format %q: use seq or unix", f)
	}
	if msg := c.String("message"); strings.IndexFunc(msg, func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }) < 0 {
		return usagef("new needs -m NAME with letters or digits (ASCII: the file's name is made of them): the name says what the file does (e.g. -m backfill_scores)")
	}
	p, envs, err := loadEnvironments(c, true)
	if err != nil {
		return err
	}
	env := envs[0]
	f, err := p.New(env, mxmigrate.NewOptions{Message: c.String("message"), Format: c.String("format")})
	if err != nil {
		return err
	}
	out := c.App.Writer
	fmt.Fprintf(out, "wrote %s\nwrote %s\n", relPath(f.Up), relPath(f.Down))
	fmt.Fprintf(out, "%s: write the SQL into both files, then record them with `mxmigrate rehash -n %s` and prove them with `mxmigrate lint -n %s`\n", env.Name, env.Name, env.Name)
	return nil
}

func squashCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, true)
	if err != nil {
		return err
	}
	env := envs[0]
	res, err := p.Squash(c.Context, env, mxmigrate.SquashOptions{To: c.Uint64("to"), Message: c.String("message"),
		DevURL: c.String("dev-url"), DryRun: c.Bool("dry-run")})
	out := c.App.Writer
	if res != nil {
		for _, l := range res.Checked {
			fmt.Fprintf(out, "checked %s\n", l)
		}
		for _, l := range res.Unchecked {
			fmt.Fprintf(c.App.ErrWriter, "mxmigrate: could not check %s\n", l)
		}
	}
	if err != nil {
		return err
	}
	last := res.Replaced[len(res.Replaced)-1]
	if len(res.Unchecked) > 0 {
		fmt.Fprintf(c.App.ErrWriter, "mxmigrate: a database not checked must have applied version %d (%s) before it runs `up` with the squashed directory\n", last.Version, last.Base())
	}
	fmt.Fprintf(out, "replayed %d files (%s..%s) on %s: %d table(s); the squashed file alone leaves the same schema\n",
		len(res.Replaced), res.Replaced[0].Base(), last.Base(), res.Dev, len(res.Tables))
	if c.Bool("dry-run") {
		fmt.Fprintf(out, "\n-- ---- %s.up.sql ----\n%s\n-- ---- %s.down.sql ----\n%s", res.Written.Base(), res.Up, res.Written.Base(), res.Down)
		return nil
	}
	for _, f := range res.Replaced {
		fmt.Fprintf(out, "removed %s\nremoved %s\n", relPath(f.Up), relPath(f.Down))
	}
	fmt.Fprintf(out, "wrote %s\nwrote %s\n", relPath(res.Written.Up), relPath(res.Written.Down))
	fmt.Fprintf(out, "%s: databases at version %d or later need nothing; new ones apply the squashed file, then the rest. Commit the removed and written files together.\n", env.Name, last.Version)
	return nil
}

func rehashCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	p, envs, err := loadEnvironments(c, false)
	if err != nil {
		return err
	}
	for _, env := range envs {
		if err := p.Rehash(env); err != nil {
			return err
		}
		fmt.Fprintf(c.App.Writer, "%s: recorded %s\n", env.Name, relPath(filepath.Join(env.Dir, "mxmigrate.sum")))
	}
	return nil
}

func initCmd(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	res, err := mxmigrate.Init(".", c.String("config"))
	if err != nil {
		return err
	}
	for _, line := range res {
		fmt.Fprintln(c.App.Writer, line)
	}
	return nil
}
