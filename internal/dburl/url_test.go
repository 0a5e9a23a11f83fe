package dburl

import "testing"

type options struct {
	Protocol string
	Port     int
}

func TestApply(t *testing.T) {
	cases := []struct {
		in   string
		o    options
		want string
	}{
		{"clickhouse://u:p@localhost:8443/db?secure=true", options{Port: 9000}, "clickhouse://u:p@localhost:9000/db?secure=true"},
		{"postgresql://u:p@h/db?sslmode=disable", options{Protocol: "pgx5"}, "pgx5://u:p@h/db?sslmode=disable"},
		{"postgresql://h:5432/db", options{Protocol: "pgx5", Port: 6543}, "pgx5://h:6543/db"},
		{"postgresql://u:p%40ss@[::1]:5432/db", options{Port: 1}, "postgresql://u:p%40ss@[::1]:1/db"},
		{"postgresql://h", options{Port: 2}, "postgresql://h:2"},
		{"x://h/db", options{}, "x://h/db"},
	}
	for _, c := range cases {
		got, err := Apply(c.in, c.o.Protocol, c.o.Port)
		if err != nil || got != c.want {
			t.Errorf("%s %+v: got %q %v want %q", c.in, c.o, got, err, c.want)
		}
	}
	for _, bad := range []options{{Protocol: "1bad"}, {Port: 70000}} {
		if _, err := Apply("pg://h/db", bad.Protocol, bad.Port); err == nil {
			t.Errorf("%+v must fail", bad)
		}
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
