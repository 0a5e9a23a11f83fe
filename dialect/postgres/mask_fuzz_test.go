package postgres

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/internal/redact"
)

// connString writes a connection string in one of the forms people use.
func connString(form uint8, user, password, host string) string {
	switch form % 5 {
	case 0: // URL, password as typed (unencoded @ / : # ? and spaces)
		return "postgresql://" + user + ":" + password + "@" + host + "/db?sslmode=disable"
	case 1: // URL, password encoded
		return (&url.URL{Scheme: "postgresql", User: url.UserPassword(user, password), Host: host, Path: "/db"}).String()
	case 2: // password in the query
		return "postgresql://" + url.PathEscape(user) + "@" + host + "/db?password=" + url.QueryEscape(password)
	case 3: // libpq key=value, unquoted
		return "host=" + host + " user=" + user + " password=" + password + " dbname=db"
	default: // libpq key=value, quoted
		q := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(password)
		return "host=" + host + " user=" + user + " password='" + q + "' dbname=db"
	}
}

// messages are what mxmigrate can say about a store: Configure's error, the
// driver's parse error, and a failed connection naming the string.
func messages(cs string) string {
	var b strings.Builder
	if _, err := (Dialect{}).Configure(&config.Store{Name: "prod", Settings: map[string]any{"connection_string": cs}, ConfigPath: "metaxy.toml"}); err != nil {
		b.WriteString(err.Error() + "\n")
	}
	if _, err := pgconn.ParseConfig(cs); err != nil {
		b.WriteString(err.Error() + "\n")
	}
	fmt.Fprintf(&b, "store %q: cannot connect to %s: dial error\n", "prod", cs)
	return b.String()
}

// FuzzMaskPassword: whatever the password and the form of the connection
// string, no message mxmigrate prints about the store holds the password.
func FuzzMaskPassword(f *testing.F) {
	for i, pw := range []string{"s3cret", "p@ss:w/rd", "a b#c?d", `q'u\ote`, "%41%zz", "pw&x=1", "p@ss@word@"} {
		f.Add("metaxy", pw, "db.example:5432", uint8(i))
	}
	f.Fuzz(func(t *testing.T, user, password, host string, form uint8) {
		if len(password) < 4 || strings.ContainsAny(password, "\x00\n\r\t ") && form%5 == 3 {
			return // too short to tell from the rest of a message; unquoted key=value cannot hold blanks
		}
		redact.ResetSecrets()
		cs := connString(form, user, password, host)
		const sentinel = "\x01SENTINEL\x01"
		if strings.Contains(messages(connString(form, user, sentinel, host)), password) {
			return // the password is part of the message's other text (user, host, wording)
		}
		msg := messages(cs)
		if masked := redact.MaskPassword(msg); strings.Contains(masked, password) {
			t.Fatalf("password %q (form %d) shows in:\n%s", password, form%5, masked)
		}
	})
}
