package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Engine is a Docker engine that answered a ping.
type Engine struct {
	c    *http.Client
	base string // http://docker or http://host:port
	// Where names the engine in messages (DOCKER_HOST or the socket).
	Where string
}

// Connect reaches the engine DOCKER_HOST names (unix:// or tcp://), else
// /var/run/docker.sock, and pings it: an error means no engine answers.
func Connect(ctx context.Context) (*Engine, error) {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = "unix:///var/run/docker.sock"
	}
	e := &Engine{Where: host}
	switch {
	case strings.HasPrefix(host, "unix://"):
		sock := strings.TrimPrefix(host, "unix://")
		e.c = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}}
		e.base = "http://docker"
	case strings.HasPrefix(host, "tcp://"):
		e.c = &http.Client{}
		e.base = "http://" + strings.TrimPrefix(host, "tcp://")
	default:
		return nil, fmt.Errorf("DOCKER_HOST=%s: only unix:// and tcp:// are understood", host)
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := e.do(pctx, "GET", "/_ping", nil, nil); err != nil {
		return nil, fmt.Errorf("no Docker engine answers at %s: %w", host, err)
	}
	return e, nil
}

// apiError is the engine's answer to a request it refused.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

// do sends a request with a JSON body (nil for none) and decodes a JSON
// answer into out (nil to discard it).
func (e *Engine) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var m struct{ Message string }
		if json.Unmarshal(data, &m) != nil || m.Message == "" {
			m.Message = strings.TrimSpace(string(data))
		}
		return &apiError{resp.StatusCode, m.Message}
	}
	if out != nil && len(data) > 0 {
		return json.Unmarshal(data, out)
	}
	return nil
}

// HasImage reports whether the engine holds the image ref locally.
func (e *Engine) HasImage(ctx context.Context, ref string) bool {
	return e.do(ctx, "GET", "/images/"+ref+"/json", nil, nil) == nil
}

// Pull fetches ref from its registry; an error where none answers.
func (e *Engine) Pull(ctx context.Context, ref string) error {
	repo, tag, _ := strings.Cut(ref, ":")
	q := url.Values{"fromImage": {repo}, "tag": {tag}}
	req, err := http.NewRequestWithContext(ctx, "POST", e.base+"/images/create?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := e.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// the answer is a stream of progress objects; a failure is one with "error"
	dec := json.NewDecoder(resp.Body)
	for {
		var m struct{ Error, Message string }
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
		if resp.StatusCode >= 300 {
			return &apiError{resp.StatusCode, m.Message}
		}
	}
	if !e.HasImage(ctx, ref) {
		return fmt.Errorf("pulled %s, but the engine does not hold it", ref)
	}
	return nil
}

// Label marks the containers Run starts; its value is the process id of
// the mxmigrate that started it (a process killed hard leaves one behind:
// docker rm -f $(docker ps -q --filter label=mxmigrate.dev)).
const Label = "mxmigrate.dev"

// Containers lists the containers labelled Label=value (any value where
// value is ""): id -> the label's value (the process that started it).
func (e *Engine) Containers(ctx context.Context, value string) (map[string]string, error) {
	f := Label
	if value != "" {
		f += "=" + value
	}
	filters, _ := json.Marshal(map[string][]string{"label": {f}})
	var out []struct {
		Id     string
		Labels map[string]string
	}
	if err := e.do(ctx, "GET", "/containers/json?all=1&filters="+url.QueryEscape(string(filters)), nil, &out); err != nil {
		return nil, err
	}
	ids := make(map[string]string, len(out))
	for _, c := range out {
		ids[c.Id] = c.Labels[Label]
	}
	return ids, nil
}

// Container is one container Run started.
type Container struct {
	ID string
	// Host and Port are where the container's port is published on the
	// engine's host (127.0.0.1 and a free port).
	Host, Port string
}

// Run creates and starts a container of image with env, labelled
// Label, publishing port (e.g. "5432/tcp") on a free port of
// 127.0.0.1. The container removes itself when it stops; Remove stops it.
func (e *Engine) Run(ctx context.Context, image string, env []string, port string) (*Container, error) {
	// not cancelled half way (a container created after Ctrl-C would be
	// left behind): the caller removes it when its context is done
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	spec := map[string]any{
		"Image":        image,
		"Env":          env,
		"Labels":       map[string]string{Label: strconv.Itoa(os.Getpid())},
		"ExposedPorts": map[string]any{port: map[string]any{}},
		"HostConfig": map[string]any{
			"AutoRemove":   true,
			"PortBindings": map[string]any{port: []map[string]string{{"HostIp": "127.0.0.1", "HostPort": ""}}},
		},
	}
	var created struct{ Id string }
	if err := e.do(ctx, "POST", "/containers/create", spec, &created); err != nil {
		return nil, fmt.Errorf("create a container of %s: %w", image, err)
	}
	c := &Container{ID: created.Id, Host: "127.0.0.1"}
	if err := e.do(ctx, "POST", "/containers/"+c.ID+"/start", nil, nil); err != nil {
		e.Remove(c)
		return nil, fmt.Errorf("start a container of %s: %w", image, err)
	}
	var info struct {
		NetworkSettings struct {
			Ports map[string][]struct{ HostIp, HostPort string }
		}
	}
	if err := e.do(ctx, "GET", "/containers/"+c.ID+"/json", nil, &info); err != nil {
		e.Remove(c)
		return nil, err
	}
	for _, b := range info.NetworkSettings.Ports[port] {
		if b.HostPort != "" {
			c.Port = b.HostPort
			break
		}
	}
	if c.Port == "" {
		e.Remove(c)
		return nil, fmt.Errorf("the container of %s published no port for %s", image, port)
	}
	return c, nil
}

// Remove stops and removes the container, with its volumes; it uses a
// context of its own, so that it also runs after Ctrl-C cancelled the
// command's.
func (e *Engine) Remove(c *Container) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := e.do(ctx, "DELETE", "/containers/"+c.ID+"?force=1&v=1", nil, nil)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil // gone already (AutoRemove)
	}
	return err
}
