package stores

import "testing"

func TestApplyURLOptions(t *testing.T) {
	cases := []struct {
		in   string
		o    URLOptions
		want string
	}{
		{"clickhouse://u:p@localhost:8443/db?secure=true", URLOptions{Port: 9000}, "clickhouse://u:p@localhost:9000/db?secure=true"},
		{"postgresql://u:p@h/db?sslmode=disable", URLOptions{Protocol: "pgx5"}, "pgx5://u:p@h/db?sslmode=disable"},
		{"postgresql://h:5432/db", URLOptions{Protocol: "pgx5", Port: 6543}, "pgx5://h:6543/db"},
		{"postgresql://u:p%40ss@[::1]:5432/db", URLOptions{Port: 1}, "postgresql://u:p%40ss@[::1]:1/db"},
		{"postgresql://h", URLOptions{Port: 2}, "postgresql://h:2"},
		{"x://h/db", URLOptions{}, "x://h/db"},
	}
	for _, c := range cases {
		got, err := ApplyURLOptions(c.in, c.o)
		if err != nil || got != c.want {
			t.Errorf("%s %+v: got %q %v want %q", c.in, c.o, got, err, c.want)
		}
	}
	for _, bad := range []URLOptions{{Protocol: "1bad"}, {Port: 70000}} {
		if _, err := ApplyURLOptions("pg://h/db", bad); err == nil {
			t.Errorf("%+v must fail", bad)
		}
	}
}

func TestMaskPassword(t *testing.T) {
	got := MaskPassword(`dial postgresql://metaxy:s3cret@db:5432/x failed; also pgx5://u:p@h/y`)
	want := `dial postgresql://metaxy:***@db:5432/x failed; also pgx5://u:***@h/y`
	if got != want {
		t.Errorf("got %q", got)
	}
	if MaskPassword("postgresql://user@h/db") != "postgresql://user@h/db" {
		t.Error("no password: unchanged")
	}
}

func TestAddQuery(t *testing.T) {
	if got := AddQuery("pg://h/db", "x-migrations-table", "a b"); got != "pg://h/db?x-migrations-table=a+b" {
		t.Error(got)
	}
	if got := AddQuery("pg://h/db?sslmode=disable", "k", "v"); got != "pg://h/db?sslmode=disable&k=v" {
		t.Error(got)
	}
}

func TestQuoteDouble(t *testing.T) {
	if QuoteDouble(`we"ird`) != `"we""ird"` {
		t.Error(QuoteDouble(`we"ird`))
	}
}
