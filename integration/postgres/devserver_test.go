package postgres_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
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
}
