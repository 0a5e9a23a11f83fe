package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/dialect/clickhouse"
	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/dialect/postgres"
	"github.com/mxmigrate/mxmigrate/integration/itest"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"golang.org/x/sys/unix"
)

var (
	floor    = flag.String("engine-floor", "", "internal: DIALECT:PATH: open this DuckDB file or chDB directory, read its catalog, exit")
	sizes    = flag.String("sizes", "100,1000,10000", "numbers of feature tables for the scaling table")
	runs     = flag.Int("runs", 5, "generate runs per measurement (the median is reported)")
	dialects = flag.String("dialects", strings.Join(dialect.Names(), ","), "dialects to measure, from the registry (clickhouse: embedded, through libchdb)")
	out      = flag.String("out", "BENCHMARKS.md", "markdown report to write (empty: none)")
	phases   = flag.Bool("phases", false, "print the phase timings (--verbose) of each measured generate's last run")
	proofMax = flag.Int("proof-max", 1000, "measure the proof at sizes up to this many tables")
	distinct = flag.Bool("distinct-columns", false, "name each feature's user columns apart (f00042_col_00): then only Metaxy's system columns are alike in every table")
	alembic  = flag.Int("alembic-max", 1000, "measure Alembic's compare_metadata (PostgreSQL, Debian's python3-alembic) at sizes up to this many tables")
)

// Columns per feature table: 1 id + 14 user columns + Metaxy's 10 system columns = 25.
const userColumns = 14

type measure struct {
	dialect string
	tables  int
	wall    time.Duration
	queries int
	rssMB   float64
	changes int
	// floorMS and floorMB are, for the embedded engines (DuckDB, chDB), the
	// wall time and peak RSS of a process that only opens the same file or
	// directory and runs the same three catalog queries: the engine's own share.
	floorMS float64
	floorMB float64
	// xFloor is the median over the runs of generate's wall over the
	// floor's, each floor run right after a generate run.
	xFloor float64
	// proof is the proof phase of one generate with it (docs/proof.md),
	// or why it did not run; proofFew the same for a typical change, 3
	// tables gaining a column ("-" where not measured: -proof-max).
	proof, proofFew string
	// alembicMS is Alembic's compare_metadata on the same PostgreSQL
	// database (0: not measured), alembicProcMS the whole python process.
	alembicMS, alembicProcMS float64
}

func main() {
	flag.Parse()
	if *floor != "" {
		engineFloor(*floor)
		return
	}
	defer runCleanups()
	bin, cleanup, err := itest.BuildBinary()
	check(err)
	cleanups = append(cleanups, cleanup)
	check(evict(bin))
	floorBin = filepath.Join(filepath.Dir(bin), "engine-floor")
	check(copyFile(os.Args[0], floorBin))
	check(evict(floorBin))
	peakBin = filepath.Join(filepath.Dir(bin), "peakof")
	check(buildPeakOf(peakBin))

	var pg *itest.Postgres
	if strings.Contains(*dialects, "postgresql") {
		pg, err = itest.StartPostgres()
		check(err)
		if os.Getenv("MXBENCH_KEEP") == "" {
			cleanups = append(cleanups, pg.Close)
		} else {
			fmt.Fprintln(os.Stderr, "kept the PostgreSQL container (MXBENCH_KEEP): remove it with docker rm -f")
		}
	}
	var results []measure
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		for _, d := range strings.Split(*dialects, ",") {
			m := scenario(bin, strings.TrimSpace(d), n, pg)
			fmt.Printf("%-10s %5d tables: generate %7.1f ms (median of %d), %d catalog queries, peak RSS %5.1f MB, %d changes, proof %s ms (3 changed: %s ms)",
				m.dialect, m.tables, ms(m.wall), *runs, m.queries, m.rssMB, m.changes, m.proof, m.proofFew)
			if m.floorMB > 0 {
				fmt.Printf(" (floor: %.1f ms, %.1f MB, x%.2f)", m.floorMS, m.floorMB, m.xFloor)
			}
			if m.alembicMS > 0 {
				fmt.Printf(" (Alembic compare: %.0f ms, %.0fx)", m.alembicMS, m.alembicMS/ms(m.wall))
			}
			fmt.Println()
			results = append(results, m)
		}
	}
	help := helpLatency(bin)
	fmt.Printf("mxmigrate --help: %.1f ms (median of 21)\n", ms(help))
	dr := diffRender10k()
	fmt.Printf("diff + render of 10,000 in-memory tables: %.1f ms (BenchmarkDiffRender, mean of 5)\n", ms(dr))
	if *out != "" {
		check(os.WriteFile(*out, report(results, help, dr), 0o644))
		fmt.Println("wrote", *out)
	}
}

// cleanups run at the end, and before a failure exits: the container and
// the built binary never outlive the driver.
var cleanups []func()

func runCleanups() {
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		runCleanups()
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// definitions writes n features in the human-friendly form; the first
// `extra` of them get one more column.
func definitions(n, extra int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[[feature]]\nkey = \"bench/feature_%05d\"\nid_columns = [\"sample_id\"]\n", i)
		b.WriteString("[[feature.column]]\nname = \"sample_id\"\ntype = \"string\"\n")
		types := []string{"string", "int64", "float64", "bool", "timestamptz", "json", "date"}
		prefix := ""
		if *distinct {
			prefix = fmt.Sprintf("f%05d_", i)
		}
		for c := 0; c < userColumns; c++ {
			fmt.Fprintf(&b, "[[feature.column]]\nname = \"%scol_%02d\"\ntype = \"%s\"\nnullable = true\n", prefix, c, types[c%len(types)])
		}
		if i < extra {
			b.WriteString("[[feature.column]]\nname = \"added_col\"\ntype = \"string\"\nnullable = true\n")
		}
	}
	return b.String()
}

var queriesRE = regexp.MustCompile(`(\d+) catalog queries`)

var proofRE = regexp.MustCompile(`prove on a dev database\s+([\d.]+) ms`)

// proofCost runs generate --dry-run runs times with its proof and returns
// the proof phase's median time, or why it did not run.
func proofCost(bin, dir string, vars []string, env string, runs int) string {
	var times []float64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(bin, "--verbose", "generate", "-n", env+":metaxy_features", "-m", "bench", "--dry-run")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), vars...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			check(fmt.Errorf("generate with its proof: %v\n%s%s", err, stdout.String(), stderr.String()))
		}
		if strings.Contains(stdout.String(), "Proof: not run") {
			return "not run"
		}
		m := proofRE.FindStringSubmatch(stderr.String())
		if m == nil {
			return "?"
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		times = append(times, v)
	}
	sort.Float64s(times)
	return fmt.Sprintf("%.1f", times[len(times)/2])
}

// benchStores are the [stores.dev] tables of each registered dialect the
// bench measures, and the variables they need: a registered dialect without
// one stops the bench, naming it.
var benchStores = map[string]func(pg *itest.Postgres) (store string, vars []string){
	"duckdb": func(*itest.Postgres) (string, []string) {
		return `type = "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore"
config = { database = "bench.duckdb" }`, nil
	},
	"postgresql": func(pg *itest.Postgres) (string, []string) {
		db := pg.NewDatabase(benchTB{})
		return `type = "metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "${BENCH_PG_URL}" }`, []string{"BENCH_PG_URL=" + pg.DSN(db)}
	},
	"clickhouse": func(*itest.Postgres) (string, []string) {
		return `type = "metaxy.ext.clickhouse.ClickHouseMetadataStore"
config = { connection_string = "chdb:chdata?database=bench" }`, nil
	},
}

// scenario measures generate on n feature tables of one dialect: set up the
// project and the database through mxmigrate itself, change 10% of the
// tables, run generate --dry-run runs times. It is long because it is the
// benchmark's script, step after step.
func scenario(bin, dialect string, n int, pg *itest.Postgres) measure {
	dir, err := os.MkdirTemp("", "mxbench-")
	check(err)
	if os.Getenv("MXBENCH_KEEP") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "kept", dir)
	}
	env := "dev"
	setup, ok := benchStores[dialect]
	if !ok {
		check(fmt.Errorf("dialect %q has no store in integration/bench (benchStores): add one to measure it", dialect))
	}
	store, vars := setup(pg)
	cfg := fmt.Sprintf(`project = "bench"
[stores.%s]
%s
[ext.sqlalchemy]
inject_primary_key = true
inject_index = true
[ext.mxmigrate]
definitions = ["defs.toml"]
`, env, store)
	check(os.WriteFile(filepath.Join(dir, "metaxy.toml"), []byte(cfg), 0o644))
	// Set up in migrations of at most 1,000 tables: one PostgreSQL transaction
	// creating 5,000 tables and their indexes exceeds the default lock table
	// (max_locks_per_transaction 64 x max_connections 100).
	for k := min(n, 1000); ; k = min(n, k+1000) {
		check(os.WriteFile(filepath.Join(dir, "defs.toml"), []byte(definitions(k, 0)), 0o644))
		run(bin, dir, vars, "generate", "-n", env+":metaxy_features", "-m", "setup", "--no-proof")
		run(bin, dir, vars, "up", "-n", env+":metaxy_features")
		if k == n {
			break
		}
	}
	if dialect == "postgresql" {
		analyze(strings.TrimPrefix(vars[0], "BENCH_PG_URL="))
	}
	extra := n / 10
	check(os.WriteFile(filepath.Join(dir, "defs.toml"), []byte(definitions(n, extra)), 0o644))
	floor, floorDone := floorOf(dialect, dir, vars, n)
	defer floorDone()

	migDir := filepath.Join(dir, "migrations", "features")
	sum, err := os.ReadFile(filepath.Join(migDir, "mxmigrate.sum"))
	check(err)
	m := measure{dialect: dialect, tables: n}
	var walls, fwalls []time.Duration
	var rss, frss []int64
	var ratios []float64
	var lastStderr string
	for i := 0; i < *runs; i++ {
		cmd := exec.Command(bin, "--verbose", "generate", "-n", env+":metaxy_features", "-m", "bench", "--no-proof")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), vars...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		peak := measured(cmd)
		err := cmd.Run()
		if err != nil {
			check(fmt.Errorf("generate: %v\n%s%s", err, stdout.String(), stderr.String()))
		}
		wall, kb := peak()
		walls, rss = append(walls, wall), append(rss, kb)
		// the floor right after: a pair on the same machine's moment
		fwall, fkb := once(floor, "floor of "+dialect)
		fwalls, frss = append(fwalls, fwall), append(frss, fkb)
		ratios = append(ratios, float64(wall)/float64(fwall))
		if mm := queriesRE.FindStringSubmatch(stderr.String()); mm != nil {
			m.queries, _ = strconv.Atoi(mm[1])
		}
		m.changes = strings.Count(stdout.String(), "+ add column")
		lastStderr = stderr.String()
		// undo the written migration so that every run does the same work
		for _, f := range itest.Files(benchTB{}, migDir) {
			if strings.Contains(f, "_bench.") {
				os.Remove(filepath.Join(migDir, f))
			}
		}
		check(os.WriteFile(filepath.Join(migDir, "mxmigrate.sum"), sum, 0o644))
	}
	if *phases {
		fmt.Fprintf(os.Stderr, "%s, %d tables, phases of the last run:\n%s", dialect, n, lastStderr)
	}
	m.proof, m.proofFew = "-", "-"
	if n <= *proofMax {
		m.proof = proofCost(bin, dir, vars, env, 1)
		check(os.WriteFile(filepath.Join(dir, "defs.toml"), []byte(definitions(n, 3)), 0o644))
		m.proofFew = proofCost(bin, dir, vars, env, 3)
	}
	m.wall, m.rssMB = medians(walls, rss)
	fwall, fmb := medians(fwalls, frss)
	m.floorMS, m.floorMB = ms(fwall), fmb
	slices.Sort(ratios)
	m.xFloor = ratios[len(ratios)/2]
	if dialect == "postgresql" && n <= *alembic {
		m.alembicMS, m.alembicProcMS = alembicCompare(strings.TrimPrefix(vars[0], "BENCH_PG_URL="), n, extra)
	}
	if m.changes != extra {
		check(fmt.Errorf("%s %d tables: expected %d added columns, plan has %d", dialect, n, extra, m.changes))
	}
	return m
}

func run(bin, dir string, vars []string, args ...string) {
	r := itest.Run(benchTB{}, bin, dir, vars, args...)
	if r.Code != 0 {
		check(fmt.Errorf("mxmigrate %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr))
	}
}

func helpLatency(bin string) time.Duration {
	var walls []time.Duration
	for i := 0; i < 21; i++ {
		start := time.Now()
		out, err := exec.Command(bin, "--help").CombinedOutput()
		walls = append(walls, time.Since(start))
		if err != nil {
			check(fmt.Errorf("--help: %v\n%s", err, out))
		}
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	return walls[len(walls)/2]
}

// floorOf is the command that measures a dialect's floor on the scenario's
// database (engineAlone, psqlFloor), and what removes its files.
func floorOf(dialect, dir string, vars []string, n int) (func() *exec.Cmd, func()) {
	switch dialect {
	case "duckdb":
		return engineAlone("duckdb:" + filepath.Join(dir, "bench.duckdb")), func() {}
	case "clickhouse":
		return engineAlone("clickhouse:" + filepath.Join(dir, "chdata")), func() {}
	case "postgresql":
		return psqlFloor(strings.TrimPrefix(vars[0], "BENCH_PG_URL="), n)
	}
	check(fmt.Errorf("dialect %q has no floor in integration/bench (floorOf)", dialect))
	return nil, nil
}

// psqlFloor replays mxmigrate's three PostgreSQL catalog queries, with the
// same scope (the n feature tables and the migrations table), through psql
// on one connection: the floor any tool reading this catalog pays.
func psqlFloor(url string, n int) (func() *exec.Cmd, func()) {
	names := make([]string, 0, n+1)
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("'bench__feature_%05d'", i))
	}
	names = append(names, "'schema_migrations_metaxy_features'")
	arr := "ARRAY[" + strings.Join(names, ",") + "]::text[]"
	var b strings.Builder
	for _, q := range postgres.CatalogQueries() {
		b.WriteString(strings.ReplaceAll(q, "$1::text[]", arr) + ";\n")
	}
	f, err := os.CreateTemp("", "mxbench-floor-*.sql")
	check(err)
	_, err = f.WriteString(b.String())
	check(err)
	f.Close()
	return func() *exec.Cmd {
		return exec.Command("psql", url, "-X", "-q", "-o", "/dev/null", "-v", "ON_ERROR_STOP=1", "-f", f.Name())
	}, func() { os.Remove(f.Name()) }
}

// analyze gives the database's catalog the statistics autovacuum keeps on a
// store that has been in use: right after the bench made its tables they
// are stale, and autovacuum's own ANALYZE would land during the
// measurement, at a moment of its choosing, changing the plans of the
// catalog queries (Alembic's by up to 3x) while it runs.
func analyze(url string) {
	out, err := exec.Command("psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "ANALYZE").CombinedOutput()
	if err != nil {
		check(fmt.Errorf("ANALYZE: %v\n%s", err, out))
	}
}

// alembicCompare runs alembic_compare.py (Alembic's compare_metadata, tables
// declared as Metaxy's SQLAlchemy integration declares them) with Debian's
// python3, alembicRuns times: the median of the milliseconds
// compare_metadata took, and of the whole process's.
func alembicCompare(url string, n, extra int) (float64, float64) {
	var cmp, procs []float64
	for i := 0; i < alembicRuns; i++ {
		start := time.Now()
		out, err := exec.Command("/usr/bin/python3", filepath.Join("integration", "bench", "alembic_compare.py"), url, strconv.Itoa(n), strconv.Itoa(extra)).CombinedOutput()
		proc := time.Since(start)
		if err != nil {
			check(fmt.Errorf("alembic compare: %v\n%s (scripts/provision.sh installs python3-alembic)", err, out))
		}
		var secs float64
		var diffs int
		if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%f %d", &secs, &diffs); err != nil || diffs == 0 {
			check(fmt.Errorf("alembic compare printed %q", out))
		}
		cmp, procs = append(cmp, secs*1000), append(procs, ms(proc))
	}
	slices.Sort(cmp)
	slices.Sort(procs)
	return cmp[len(cmp)/2], procs[len(procs)/2]
}

// alembicRuns is how many times Alembic's compare runs (12 s each at
// 1,000 tables): its median is reported.
const alembicRuns = 3

// once runs the command one time, through peakof: its wall time and peak
// RSS (kB).
func once(cmd func() *exec.Cmd, what string) (time.Duration, int64) {
	c := cmd()
	peak := measured(c)
	out, err := c.CombinedOutput()
	if err != nil {
		check(fmt.Errorf("%s: %v\n%s", what, err, out))
	}
	return peak()
}

// measured makes c run through peakof (integration/bench/peakof), and
// returns what reads its wall time and peak RSS once c has run. A child of
// this process would not do: Linux counts in a child's peak RSS the
// resident pages of the process it was started from (this one, which links
// DuckDB and holds 10,000 tables' definitions), so the child must come from
// a small one.
func measured(c *exec.Cmd) func() (time.Duration, int64) {
	f, err := os.CreateTemp("", "mxbench-peak-*")
	check(err)
	f.Close()
	c.Args = append([]string{peakBin, f.Name(), "--", c.Path}, c.Args[1:]...)
	c.Path = peakBin
	return func() (time.Duration, int64) {
		defer os.Remove(f.Name())
		data, err := os.ReadFile(f.Name())
		check(err)
		var kb, ns int64
		_, err = fmt.Sscan(string(data), &kb, &ns)
		check(err)
		return time.Duration(ns), kb
	}
}

// peakBin is peakof, built by buildPeakOf.
var peakBin string

// buildPeakOf builds peakof without cgo: ~2 MB resident when it starts a
// measured command, which is under every floor measured.
func buildPeakOf(out string) error {
	cmd := exec.Command("go", "build", "-o", out, "./integration/bench/peakof")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building peakof: %v\n%s", err, b)
	}
	return nil
}

// medians is the median wall time of runs and the median of their peak
// RSS (kB, from rusage) in MB: one slow or one heavy run moves neither.
func medians(walls []time.Duration, rss []int64) (time.Duration, float64) {
	slices.Sort(walls)
	slices.Sort(rss)
	mb := 0.0
	if len(rss) > 0 {
		mb = float64(rss[len(rss)/2]) / 1024
	}
	return walls[len(walls)/2], mb
}

// engineAlone is the command that runs this program again with
// -engine-floor spec.
func engineAlone(spec string) func() *exec.Cmd {
	return func() *exec.Cmd { return exec.Command(floorBin, "-engine-floor", spec) }
}

// floorBin is a copy of this program that engineAlone runs: this one is
// running, and its pages cannot leave the page cache (evict).
var floorBin string

// evict drops a binary's pages from the page cache, so that its runs read
// it from disk: pages a build (the linker's writes) leaves in the cache are
// mapped in larger units, ~10 MB more peak RSS at 1,000 tables, varying from
// build to build (docs/performance.md).
func evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// engineFloor opens a DuckDB file or a chDB directory and reads its catalog
// with the dialect's three queries, nothing else.
func engineFloor(spec string) {
	ctx := context.Background()
	dialect, path, _ := strings.Cut(spec, ":")
	switch dialect {
	case "duckdb":
		h, err := duckdb.OpenPath(ctx, path)
		check(err)
		_, err = duckdb.Dialect{}.Inspect(ctx, h, nil)
		check(err)
	case "clickhouse":
		s, err := chdb.Open(path)
		check(err)
		db := sql.OpenDB(chdb.NewConnector(s, "bench"))
		_, err = clickhouse.Dialect{}.Inspect(ctx, db, nil)
		check(err)
		s.Release(true) // as mxmigrate does: the process exits without the engine's shutdown
	default:
		check(fmt.Errorf("-engine-floor %q: no embedded engine", spec))
	}
}

var nsRE = regexp.MustCompile(`BenchmarkDiffRender\S*\s+\d+\s+(\d+) ns/op`)

// diffRender10k runs dialect/duckdb's BenchmarkDiffRender (10,000 tables).
func diffRender10k() time.Duration {
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkDiffRender$", "-benchtime", "5x", "./dialect/duckdb")
	cmd.Dir = filepath.Dir(filepath.Dir(filepath.Dir(file)))
	out, err := cmd.CombinedOutput()
	check(err)
	m := nsRE.FindSubmatch(out)
	if m == nil {
		check(fmt.Errorf("no BenchmarkDiffRender result in:\n%s", out))
	}
	ns, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return time.Duration(ns)
}

func report(rs []measure, help, dr time.Duration) []byte {
	var b bytes.Buffer
	b.WriteString("# Benchmarks\n\nWritten by `make bench` (integration/bench). Scenario (SPEC section 13): N feature tables of 25 columns\n" +
		"(1 id, 14 user, 10 Metaxy system columns) with an injected primary key and index, already migrated;\n" +
		"then N/10 of them gain a column and `mxmigrate generate` writes the migration. Wall time is the median\n" +
		"of the runs; RSS is each run's peak (rusage), the median over the runs.\n\n")
	fmt.Fprintf(&b, "Machine: %d cores, %s/%s, %s.\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	b.WriteString("| dialect | tables | generate wall (ms) | catalog queries | peak RSS (MB) | floor (ms) | floor (MB) | x floor | RSS over floor (MB) | Alembic compare (ms) | Alembic / generate | ms per table | proof (ms) | proof, 3 changed (ms) |\n" +
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, m := range rs {
		flMS, flMB, ratio, over, al, alRatio := "-", "-", "-", "-", "-", "-"
		if m.floorMB > 0 {
			flMS, flMB = fmt.Sprintf("%.1f", m.floorMS), fmt.Sprintf("%.1f", m.floorMB)
			ratio = fmt.Sprintf("%.2f", m.xFloor)
			over = fmt.Sprintf("%+.1f", m.rssMB-m.floorMB)
		}
		if m.alembicMS > 0 {
			al, alRatio = fmt.Sprintf("%.0f", m.alembicMS), fmt.Sprintf("%.0fx", m.alembicMS/ms(m.wall))
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f | %d | %.1f | %s | %s | %s | %s | %s | %s | %.3f | %s | %s |\n", m.dialect, m.tables, ms(m.wall), m.queries, m.rssMB,
			flMS, flMB, ratio, over, al, alRatio, ms(m.wall)/float64(m.tables), m.proof, m.proofFew)
	}
	b.WriteString("\n\"Floor\" is what any tool reading the same catalog pays, measured the same way (median wall, median peak RSS),\n" +
		"each of its runs right after a generate run: for DuckDB and chDB a Go process that only opens the same\n" +
		"file or directory and reads the tables with mxmigrate's three catalog queries (the engine's own share);\n" +
		"for PostgreSQL psql replaying mxmigrate's three catalog queries with the same scope on one connection.\n" +
		"\"x floor\" is the median of the pairs' ratios (generate's wall over the floor's), \"RSS over floor\"\n" +
		"generate's peak RSS less the floor's. Every measured command runs under a small program without cgo\n" +
		"(integration/bench/peakof): a child's peak RSS counts the pages of the process that started it. On\n" +
		"PostgreSQL the bench runs ANALYZE once its tables are made, so that the catalog has the statistics\n" +
		"autovacuum keeps on a store in use. \"Alembic compare\" is the time of Alembic's `compare_metadata`\n" +
		"(Debian's python3-alembic; median of 3 runs) on the same database, the tables declared as Metaxy's\n" +
		"SQLAlchemy integration declares them (the python process's start and imports not counted), and\n" +
		"\"Alembic / generate\" how many times generate's whole process fits in it.\n")
	fmt.Fprintf(&b, "\nGenerate is measured with `--no-proof`; \"proof\" is the proof phase of one generate with it\n"+
		"(`--verbose`: \"prove on a dev database\"; docs/proof.md), with the N/10 changed tables; \"proof, 3\n"+
		"changed\" the median of 3 runs for a typical change, 3 tables gaining a column (measured up to %d\n"+
		"tables: `-proof-max`). The proof runs on the default dev database: an in-memory DuckDB; a throwaway\n"+
		"PostgreSQL server in a Docker container (its start included); a scratch database beside the live\n"+
		"one in the chDB directory. The directory's statements that build the changed tables are replayed,\n"+
		"sample rows go into them, and the plan runs up, down, up again.\n", *proofMax)
	b.WriteString("\nDuckDB loads a file's whole catalog into memory. ClickHouse (chDB, embedded, the `chdb:` store of the\n" +
		"tests and local runs) attaches every table of its data directory when it starts and maps a 566 MB\n" +
		"library: mxmigrate's generate on ClickHouse takes what that start takes. Against a ClickHouse server,\n" +
		"which has started already, the engine's start is not paid (none is reachable on this machine).\n")
	fmt.Fprintf(&b, "\n`mxmigrate --help`: %.1f ms (median of 21 runs).\n\n", ms(help))
	fmt.Fprintf(&b, "Diff + render of 10,000 in-memory tables (DuckDB SQL, `BenchmarkDiffRender`): %.1f ms.\n\n", ms(dr))
	b.WriteString("Targets: generate <= 300 ms and <= 100 MB at 1,000 tables on DuckDB and PostgreSQL; --help <= 30 ms;\n" +
		"diff + render of 10,000 tables <= 100 ms; cost growing at most linearly from 100 to 10,000 tables;\n" +
		"PostgreSQL generate at 1,000 tables <= 1.2x its catalog floor and >= 50x Alembic's compare; peak RSS\n" +
		"within 15 MB of each engine's floor (issue 21).\n")
	return b.Bytes()
}
