package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	_ "github.com/mxmigrate/mxmigrate/dialect/clickhouse" // ClickHouse dialect (servers and embedded chDB)
	_ "github.com/mxmigrate/mxmigrate/dialect/duckdb"     // DuckDB dialect and migrate driver
	_ "github.com/mxmigrate/mxmigrate/dialect/postgres"   // PostgreSQL dialect and golang-migrate pgx5 driver
	"github.com/mxmigrate/mxmigrate/internal/gcpace"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/schema"
)

func main() {
	gcpace.Start() // for the whole process: stopped by its exit
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// usageError marks errors that exit with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitCode is an error that only sets the exit code (its output is already printed).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// maskWriter masks passwords in everything written to it (redact.MaskPassword):
// errors, warnings and --verbose lines all go to stderr through it.
type maskWriter struct{ w io.Writer }

func (m maskWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(m.w, redact.MaskPassword(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// escapeWriter escapes control characters (escapeOutput) in everything
// written to stdout and stderr: a value from the database in a message must
// not clear the screen, set the clipboard, or show a name in another order
// than it is (in JSON, "\u202e" is the same string).
type escapeWriter struct{ w io.Writer }

// Unwrap is the writer written to (isTerminal looks through it).
func (e escapeWriter) Unwrap() io.Writer { return e.w }

func (e escapeWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(e.w, escapeOutput(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sgr is a colour sequence, the only escape sequence mxmigrate writes.
var sgr = regexp.MustCompile(`^\x1b\[[0-9;]*m`)

// escapeOutput writes the control characters of s as escapes: C0 but
// newline and tab as \x1b, C1 and the Unicode bidirectional controls as
// \u0085 / \u202e (valid JSON escapes too), except the colour sequences
// (SGR) the plan printer writes on a terminal.
func escapeOutput(s string) string {
	if !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b && sgr.MatchString(s[i:]):
			m := sgr.FindString(s[i:])
			b.WriteString(m)
			i += len(m)
			continue
		case r < 0x20 && r != '\n' && r != '\t':
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || schema.IsBidiControl(r))
}

func run(args []string, stdout, stderr io.Writer) int {
	stderr = maskWriter{escapeWriter{stderr}}
	stdout = escapeWriter{stdout}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	defer startProfiles(stderr)()
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, normalizeArgs(args))
	if err == nil {
		return 0
	}
	n := exitFor(err, stderr)
	var done exitCode // a command's own error, in JSON already where asked
	if json, env := jsonArgs(args); json && !errors.As(err, &done) {
		writeJSON(stdout, errorJSON(env, err, n))
	}
	return n
}

// Exit codes, on every command: 0 success; 1 the answer is "no" (check:
// the database differs; generate: the plan is refused as destructive;
// squash: refused); 2 a
// usage error; 3 the command could not run (configuration, connection, I/O,
// a dirty or out-of-date database for generate, up and down, a failed
// migration; check reports a dirty database as differing, 1).
const (
	exitNo        = 1
	exitUsage     = 2
	exitCannotRun = 3
)

// exitFor prints err (unless its output is printed already) and returns the
// process's exit code.
func exitFor(err error, stderr io.Writer) int {
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "mxmigrate: %s\n", ue.msg)
		fmt.Fprintln(stderr, "Run `mxmigrate --help` for usage.")
		return exitUsage
	}
	fmt.Fprintf(stderr, "mxmigrate: %s\n", err)
	if isNo(err) {
		return exitNo
	}
	return exitCannotRun
}

// isNo reports whether err is a "no" (exit 1) rather than a failure to run.
func isNo(err error) bool {
	var de *mxmigrate.DestructiveError
	return errors.As(err, &de) || errors.Is(err, mxmigrate.ErrSquashRefused)
}

// jsonErrors makes a --json command print a JSON object when it fails for
// any reason (usage errors its flags parser finds before it runs aside), so
// that a bot reading stdout always gets
// JSON: {"error": ..., "exit_code": ..., "refused": ...}. The message, masked,
// also goes to stderr.
func jsonErrors(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		err := action(c)
		var code exitCode
		if err == nil || !c.Bool("json") || errors.As(err, &code) {
			return err
		}
		n := exitFor(err, c.App.ErrWriter)
		if werr := writeJSON(c.App.Writer, errorJSON(c.String("name"), err, n)); werr != nil {
			return werr
		}
		return exitCode(n)
	}
}

// errorJSON is the object a failing --json command prints (docs/json.md).
func errorJSON(env string, err error, code int) map[string]any {
	return map[string]any{"format_version": formatVersion, "environment": env, "error": redact.MaskPassword(err.Error()),
		"exit_code": code, "refused": mxmigrate.IsRefusal(err)}
}

// jsonArgs reports whether args ask for --json (the flag, with or without
// a value, or MXMIGRATE_JSON), and the -n they name: for a usage error the
// flags parser finds before the command runs (an unknown flag), which
// jsonErrors never sees. A flag's value ("-m --json") is not a flag.
func jsonArgs(args []string) (json bool, env string) {
	if v, ok := os.LookupEnv("MXMIGRATE_JSON"); ok {
		json, _ = strconv.ParseBool(v)
	}
	takesValue := map[string]bool{"-n": true, "--name": true, "-m": true, "--message": true, "--config": true, "-config": true,
		"--dev-url": true, "--base": true, "--format": true, "--project": true, "--lock-wait": true, "--protocol": true, "--port": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return json, env
		case a == "--json" || a == "-json":
			json = true
		case strings.HasPrefix(a, "--json=") || strings.HasPrefix(a, "-json="):
			_, v, _ := strings.Cut(a, "=")
			json, _ = strconv.ParseBool(v)
		case (a == "-n" || a == "--name") && i+1 < len(args):
			env = args[i+1]
			i++
		case strings.HasPrefix(a, "--name="):
			env = strings.TrimPrefix(a, "--name=")
		case takesValue[a]:
			i++ // its value
		}
	}
	return json, env
}

var negativeRE = regexp.MustCompile(`^-[0-9]+$`)

// normalizeArgs lets --definitions-from-store stand without a value (meaning
// the environment's own store): urfave/cli has no optional flag values. And
// `force -n ENV -1`, as force's usage says, passes -1 as the VERSION: a bare
// negative number after force moves behind "--", where urfave/cli takes it as
// an argument rather than an unknown flag.
func normalizeArgs(args []string) []string {
	out := make([]string, 0, len(args))
	var tail []string
	force := false
	for i, a := range args {
		if a == "--definitions-from-store" {
			a = "--definitions-from-store=."
		}
		if i > 0 && a == "force" && !force {
			force = true
		} else if force && negativeRE.MatchString(a) {
			tail = append(tail, a)
			continue
		}
		out = append(out, a)
	}
	if len(tail) > 0 {
		if !slices.Contains(out, "--") {
			out = append(out, "--")
		}
		out = append(out, tail...)
	}
	return out
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "mxmigrate",
		Usage: "generate and apply golang-migrate migrations for Metaxy metadata stores",
		Description: `mxmigrate reads metaxy.toml, derives the target schema of Metaxy's system tables
(metaxy_system) or of the project's feature tables (metaxy_features), compares it with
the live database, and writes numbered golang-migrate files:

   mxmigrate generate -n dev:metaxy_system -m init     # migrations/system/000001_init.{up,down}.sql
   mxmigrate generate -n dev:metaxy_features -m videos # migrations/features/000001_videos.{up,down}.sql
   mxmigrate up -n dev                                 # applies system, then features

An environment (-n) is <store>:<target>; -n <store> means both targets, system first.
Every flag can also come from an MXMIGRATE_* variable (shown with each flag).
Exit codes, on every command: 0 success; 1 the answer is "no" (check: the database
differs; generate: the plan is refused as destructive; squash: refused for a database
or a data migration); 2 usage error; 3 could not run
(configuration, connection, I/O, a dirty or out-of-date database for generate, up
and down, a failed migration; check reports a dirty database as differing, 1).
With --json, a failure prints {"error": ..., "exit_code": ...} on stdout too.`,
		Version:         readBuildInfo().Version,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "`PATH` of metaxy.toml (default: $METAXY_CONFIG, else discovered upwards)", EnvVars: []string{"MXMIGRATE_CONFIG"}},
			&cli.BoolFlag{Name: "verbose", Usage: "print more detail (catalog query counts, URLs with masked passwords)", EnvVars: []string{"MXMIGRATE_VERBOSE"}},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour output (also NO_COLOR)", EnvVars: []string{"MXMIGRATE_NO_COLOR"}},
			&cli.BoolFlag{Name: "strict", Usage: "refuse a metaxy.toml with keys nothing reads (unknown keys under [stores.<name>.config] and [ext.mxmigrate]), which are warnings otherwise", EnvVars: []string{"MXMIGRATE_STRICT"}},
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usagef("%v", err) },
		// Without a command, or with one that does not exist, urfave/cli runs
		// the app's action: help, or a usage error (exit 2) like any other.
		Action: func(c *cli.Context) error {
			if c.Args().First() == "help" {
				if name := c.Args().Get(1); name != "" {
					if c.App.Command(name) == nil {
						return usagef("unknown command %q", name)
					}
					return cli.ShowCommandHelp(c, name)
				}
				return cli.ShowAppHelp(c)
			}
			if c.Args().Present() {
				return usagef("unknown command %q", c.Args().First())
			}
			// bare mxmigrate: help on stderr, and a usage error's exit code
			w := c.App.Writer
			c.App.Writer = c.App.ErrWriter
			defer func() { c.App.Writer = w }()
			if err := cli.ShowAppHelp(c); err != nil {
				return err
			}
			return exitCode(exitUsage)
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Commands:       append(commands(), completionCommands()...),
	}
	for _, c := range app.Commands {
		c.OnUsageError = app.OnUsageError
	}
	return app
}

// oneEnvUsage is the usage of -n on a command that needs one environment
// (completion offers only <store>:<target> there).
const oneEnvUsage = "environment `<store>:<target>` (required)"

// oneEnvFlag is -n of a command that needs one environment, and says so.
func oneEnvFlag() *cli.StringFlag { return envFlag(oneEnvUsage) }

// needsOneEnv reports whether cmd's -n must name one environment.
func needsOneEnv(cmd *cli.Command) bool {
	sf, ok := flagNamed(cmd, "name").(*cli.StringFlag)
	return ok && sf.Usage == oneEnvUsage
}

// bothEnvFlag is -n of a command that takes a store for both targets.
func bothEnvFlag() *cli.StringFlag {
	return envFlag("environment `<store>[:<target>]`; <store> alone means both (default: the default store, both)")
}

func envFlag(usage string) *cli.StringFlag {
	return &cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: usage, EnvVars: []string{"MXMIGRATE_NAME"}}
}

// lockWaitFlag: how long up, down and force wait for another run's
// migrations lock.
func lockWaitFlag() *cli.DurationFlag {
	return &cli.DurationFlag{Name: "lock-wait", Value: mxmigrate.DefaultLockWait, Usage: "wait at most `DURATION` for another run: the migrations lock it holds, or the DuckDB file / chDB directory another process has open (polling; never waiting inside the database)", EnvVars: []string{"MXMIGRATE_LOCK_WAIT"}}
}

func jsonFlag() *cli.BoolFlag {
	return &cli.BoolFlag{Name: "json", Usage: "print JSON (for CI bots)", EnvVars: []string{"MXMIGRATE_JSON"}}
}

func targetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "all-projects", Usage: "feature tables of every project, not only the configured one", EnvVars: []string{"MXMIGRATE_ALL_PROJECTS"}},
		&cli.StringFlag{Name: "project", Usage: "feature tables of project `P` instead of the configured one", EnvVars: []string{"MXMIGRATE_PROJECT"}},
		&cli.StringFlag{Name: "definitions-from-store", Usage: "also read feature definitions from a store's feature_versions table (`[=STORE]`; bare: the environment's store); default from [ext.mxmigrate] definitions_from_store", EnvVars: []string{"MXMIGRATE_DEFINITIONS_FROM_STORE"}},
		&cli.StringSliceFlag{Name: "rename", Usage: "plan a rename instead of a drop and an add: `TABLE.OLD=NEW` renames a column, OLD=NEW a table (physical names; repeatable; also [ext.mxmigrate] renames, by feature key)", EnvVars: []string{"MXMIGRATE_RENAME"}},
		&cli.BoolFlag{Name: "no-definitions-from-store", Usage: "read no definitions from a store, whatever [ext.mxmigrate] definitions_from_store says", EnvVars: []string{"MXMIGRATE_NO_DEFINITIONS_FROM_STORE"}},
		&cli.BoolFlag{Name: "inject-primary-key", Usage: "add a primary key on [ext.mxmigrate] key (default: id columns, metaxy_created_at, metaxy_data_version); default from [ext.sqlalchemy]", EnvVars: []string{"MXMIGRATE_INJECT_PRIMARY_KEY"}},
		&cli.BoolFlag{Name: "no-inject-primary-key", Usage: "no injected primary key, whatever [ext.sqlalchemy] says", EnvVars: []string{"MXMIGRATE_NO_INJECT_PRIMARY_KEY"}},
		&cli.BoolFlag{Name: "inject-index", Usage: "add an index on the same columns; default from [ext.sqlalchemy]", EnvVars: []string{"MXMIGRATE_INJECT_INDEX"}},
		&cli.BoolFlag{Name: "no-inject-index", Usage: "no injected index, whatever [ext.sqlalchemy] says", EnvVars: []string{"MXMIGRATE_NO_INJECT_INDEX"}},
	}
}

func targetOptions(c *cli.Context) (mxmigrate.TargetOptions, error) {
	o := mxmigrate.TargetOptions{
		Project:              c.String("project"),
		AllProjects:          c.Bool("all-projects"),
		DefinitionsFromStore: c.String("definitions-from-store"),
	}
	if o.AllProjects && o.Project != "" {
		return o, usagef("--all-projects and --project exclude each other")
	}
	for _, r := range c.StringSlice("rename") {
		if _, _, _, err := mxmigrate.ParseRename(r); err != nil {
			return o, &usageError{err.Error()}
		}
		o.Renames = append(o.Renames, r)
	}
	if o.NoDefinitionsFromStore = c.Bool("no-definitions-from-store"); o.NoDefinitionsFromStore && o.DefinitionsFromStore != "" {
		return o, usagef("--definitions-from-store and --no-definitions-from-store exclude each other")
	}
	tri := func(yes, no string) (*bool, error) {
		y, n := c.Bool(yes), c.Bool(no)
		switch {
		case y && n:
			return nil, usagef("--%s and --%s exclude each other", yes, no)
		case y:
			return &y, nil
		case n:
			f := false
			return &f, nil
		}
		return nil, nil
	}
	var err error
	if o.InjectPrimaryKey, err = tri("inject-primary-key", "no-inject-primary-key"); err != nil {
		return o, err
	}
	if o.InjectIndex, err = tri("inject-index", "no-inject-index"); err != nil {
		return o, err
	}
	return o, nil
}

func load(c *cli.Context) (*mxmigrate.Project, error) {
	if c.Duration("lock-wait") < 0 {
		return nil, usagef("--lock-wait %s: a duration >= 0", c.Duration("lock-wait"))
	}
	p, err := mxmigrate.Load(config.Options{Path: c.String("config")}, c.App.ErrWriter)
	if err == nil {
		p.ExitSoon = true // the process ends with the command
		if p.LockWait = c.Duration("lock-wait"); p.LockWait == 0 && c.IsSet("lock-wait") {
			p.LockWait = time.Nanosecond // --lock-wait 0: do not wait
		}
		if c.Bool("verbose") {
			p.Notes = c.App.ErrWriter
		}
	}
	return p, err
}

// loadEnvironments loads the configuration and resolves -n (see environments).
func loadEnvironments(c *cli.Context, one bool) (*mxmigrate.Project, []*mxmigrate.Env, error) {
	p, err := load(c)
	if err != nil {
		return nil, nil, err
	}
	envs, err := environments(c, p, one)
	if err != nil {
		return nil, nil, err
	}
	if unknown := p.UnknownKeys(envs); len(unknown) > 0 {
		if c.Bool("strict") {
			return nil, nil, fmt.Errorf("--strict: metaxy.toml has %d key(s) nothing reads:\n  %s", len(unknown), strings.Join(unknown, "\n  "))
		}
		for _, u := range unknown {
			fmt.Fprintf(c.App.ErrWriter, "warning: %s\n", u)
		}
	}
	return p, envs, nil
}

// environments resolves -n; one=true requires a single environment.
func environments(c *cli.Context, p *mxmigrate.Project, one bool) ([]*mxmigrate.Env, error) {
	name := c.String("name")
	if one {
		if name == "" || !strings.Contains(name, ":") && name != config.TargetSystem && name != config.TargetFeatures {
			if name == "" {
				return nil, usagef("%s needs -n <store>:<target> (e.g. -n %s:%s)", c.Command.Name, p.Config.DefaultStore, config.TargetFeatures)
			}
			return nil, usagef("%s needs one environment: -n %s:%s or -n %s:%s", c.Command.Name, name, config.TargetSystem, name, config.TargetFeatures)
		}
		e, err := p.Environment(name)
		if err != nil {
			return nil, usageIfUnknown(err)
		}
		return []*mxmigrate.Env{e}, nil
	}
	envs, err := p.Environments(name)
	return envs, usageIfUnknown(err)
}

// usageIfUnknown turns a -n value naming no store or target into a usage error (exit 2).
func usageIfUnknown(err error) error {
	if errors.Is(err, config.ErrUnknownEnvironment) {
		return &usageError{err.Error()}
	}
	return err
}
