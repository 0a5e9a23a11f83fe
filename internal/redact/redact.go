package redact

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

var (
	// a URL's user:password@ up to the last @ of the token: an unencoded
	// @, /, ? or # in the password is still masked
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s"'` + "`" + `]*:)[^\s"'` + "`" + `]*@`)
	// password=... (and token=, secret=, as in MotherDuck's
	// motherduck_token) in a URL query or a libpq key=value string
	quotedKVRE = regexp.MustCompile(`(?i)((?:password|token|secret)\s*=\s*)'(?:[^'\\]|\\.)*'`)
	plainKVRE  = regexp.MustCompile(`(?i)((?:password|token|secret)\s*=\s*)[^\s&'"` + "`" + `]+`)

	secretsMu sync.RWMutex
	secrets   []string
)

// minSecret is the shortest registered secret that is masked wherever it
// appears.
const minSecret = 4

// RegisterSecret makes every later MaskPassword hide s, and its URL-encoded
// forms, wherever it appears. Dialects register the password they parse from
// a store's connection string (the way their driver parses it), so that no
// message shows it, whatever the form of the string.
func RegisterSecret(s string) {
	if len(s) < minSecret {
		return // shorter ones would mask ordinary words; the patterns still mask them in URLs and key=value strings
	}
	secretsMu.Lock()
	defer secretsMu.Unlock()
	for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s), (&url.URL{User: url.UserPassword("u", s)}).User.String()[2:]} {
		if len(v) >= minSecret && !contains(secrets, v) {
			secrets = append(secrets, v)
		}
	}
	// longest first, so that a secret inside another is not half-masked
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaskPassword hides passwords in s: every registered secret, the password
// of every URL (user:***@), and password=*** in queries and key=value
// strings. Every message, log and --verbose line goes through it (the CLI
// masks its whole error stream); only `mxmigrate url` prints a password.
func MaskPassword(s string) string {
	secretsMu.RLock()
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "***")
	}
	secretsMu.RUnlock()
	s = urlPasswordRE.ReplaceAllString(s, "${1}***@")
	s = quotedKVRE.ReplaceAllString(s, "${1}***")
	return plainKVRE.ReplaceAllString(s, "${1}***")
}

// ResetSecrets forgets the registered secrets (for tests and fuzzers, which
// register many).
func ResetSecrets() {
	secretsMu.Lock()
	secrets = nil
	secretsMu.Unlock()
}
