package postgres_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mxmigrate/mxmigrate/internal/docker"
)

// devContainers lists the dev server containers of one mxmigrate process
// (pid), or with pid "", those whose process has ended: left behind (other
// test packages, running meanwhile, have dev servers of their own).
func devContainers(t *testing.T, pid string) []string {
	t.Helper()
	eng, err := docker.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all, err := eng.Containers(context.Background(), pid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id, owner := range all {
		if _, err := os.Stat("/proc/" + owner); pid != "" || os.IsNotExist(err) {
			out = append(out, id)
		}
	}
	return out
}

// TestProofOnADockerServer: with no dev_url and a Docker engine at hand,
// the proof runs on a throwaway server of the live server's major in a
// container (the local image where no registry answers), removed after.
func TestProofOnADockerServer(t *testing.T) {
	major, err := pg.ServerMajor()
	if err != nil {
		t.Fatal(err)
	}
	e := bareProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0, fmt.Sprintf("Proof on docker://postgres/%d (image ", major))
	if left := devContainers(t, ""); len(left) != 0 {
		t.Errorf("dev server containers left behind: %v", left)
	}
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init", "--dev-url", "docker://postgres/x").Must(t, 3, "docker://postgres/MAJOR")
}

// TestDockerDevServerGoesOnCtrlC: a generate interrupted while its dev
// server runs removes the container before it exits.
func TestDockerDevServerGoesOnCtrlC(t *testing.T) {
	e := bareProject(t)
	cmd := exec.Command(binary, "generate", "-n", "prod:metaxy_system", "-m", "init")
	cmd.Dir, cmd.Env = e.dir, append(os.Environ(), e.vars...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// wait on the engine's own state: the container exists
	for len(devContainers(t, pid)) == 0 {
		select {
		case err := <-done:
			t.Fatalf("generate ended (%v) before its dev server was seen", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := <-done
	if left := devContainers(t, pid); len(left) != 0 {
		t.Errorf("after Ctrl-C (%v), the dev server container is left: %v", err, left)
	}
	// interrupted before its proof: an error, and no file written unproved
	if m, _ := filepath.Glob(filepath.Join(e.dir, "migrations", "system", "*.sql")); err == nil || len(m) != 0 {
		t.Errorf("after Ctrl-C: exit %v, files %v", err, m)
	}
}

// TestProofNeverInTheLiveDatabase: a URL whose ?dbname= names the live
// database (pgx lets it override the path) never leads the proof there: a
// dev_url naming the live database that way is refused, and the scratch
// database made on the live server (no Docker engine) is the scratch one.
func TestProofNeverInTheLiveDatabase(t *testing.T) {
	e := bareProject(t)
	live := pg.DSN("metaxy") + "&dbname=" + e.db // path: another database; ?dbname: the live one
	e.vars = []string{"MEDIA_PG_URL=" + live, "DOCKER_HOST=unix:///nonexistent.sock"}
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0, "Proof on postgresql://")
	e.mx(t, "up", "-n", "prod").Must(t, 0)
	e.sql(t, `CREATE TABLE bystander (x int)`, `INSERT INTO bystander VALUES (1)`)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init", "--dev-url", pg.DSN("template1")+"&dbname="+e.db).Must(t, 3, "names the live database")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0, "Proof on postgresql://")
	if got := e.names(t, `SELECT x::text FROM bystander`); got != "1" {
		t.Errorf("the live database's own table after generate: %q", got)
	}
	if got := e.tables(t, "public"); !strings.Contains(got, "metaxy_system") && !strings.Contains(got, "bystander") {
		t.Errorf("live tables after generate: %s", got)
	}
}
