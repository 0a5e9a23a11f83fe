package dburl

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/redact"
)

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// Apply implements --protocol and --port on a URL: protocol ("" to keep)
// replaces the scheme, port (0 to keep) the port, leaving user, password,
// host, path and query as they are.
func Apply(raw, protocol string, port int) (string, error) {
	o := struct {
		Protocol string
		Port     int
	}{protocol, port}
	if o.Protocol == "" && o.Port == 0 {
		return raw, nil
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", fmt.Errorf("URL %s has no scheme", redact.MaskPassword(raw))
	}
	if o.Protocol != "" {
		if !schemeRE.MatchString(o.Protocol) {
			return "", fmt.Errorf("--protocol %q is not a URL scheme", o.Protocol)
		}
		scheme = o.Protocol
	}
	if o.Port != 0 {
		if o.Port < 0 || o.Port > 65535 {
			return "", fmt.Errorf("--port %d is out of range", o.Port)
		}
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		authority := rest[:end]
		at := strings.LastIndex(authority, "@")
		hostport := authority[at+1:]
		host := hostport
		if strings.HasPrefix(hostport, "[") {
			if i := strings.Index(hostport, "]"); i >= 0 {
				host = hostport[:i+1]
			}
		} else if i := strings.LastIndex(hostport, ":"); i >= 0 {
			host = hostport[:i]
		}
		if host == "" {
			return "", fmt.Errorf("URL %s has no host to put a port on", redact.MaskPassword(raw))
		}
		rest = authority[:at+1] + host + fmt.Sprintf(":%d", o.Port) + rest[end:]
	}
	return scheme + "://" + rest, nil
}

// AddQuery appends query parameters to a URL, keeping the existing query as it is.
func AddQuery(raw string, kv ...string) string {
	var b strings.Builder
	b.WriteString(raw)
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(sep + url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
		sep = "&"
	}
	return b.String()
}
