package redact

import (
	"testing"
)

func TestMaskPassword(t *testing.T) {
	got := MaskPassword(`dial postgresql://metaxy:s3cret@db:5432/x failed; also pgx5://u:p@h/y`)
	want := `dial postgresql://metaxy:***@db:5432/x failed; also pgx5://u:***@h/y`
	if got != want {
		t.Errorf("got %q", got)
	}
	for in, want := range map[string]string{
		"host=h password=s3 dbname=d":               "host=h password=*** dbname=d",
		"host=h password='a b\\'c' dbname=d":        "host=h password=*** dbname=d",
		"pg://u@h/db?sslmode=x&password=s3&y=1":     "pg://u@h/db?sslmode=x&password=***&y=1",
		"open md:db?motherduck_token=eyJabc failed": "open md:db?motherduck_token=*** failed",
		"pg://u:p@ss:w/rd@host/db":                  "pg://u:***@host/db",
	} {
		if got := MaskPassword(in); got != want {
			t.Errorf("%s: got %q want %q", in, got, want)
		}
	}
	if MaskPassword("postgresql://user@h/db") != "postgresql://user@h/db" {
		t.Error("no password: unchanged")
	}
}
