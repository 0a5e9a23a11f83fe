package sqltext

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	body := "-- header; not a statement\n\nCREATE TABLE \"a;b\" (x VARCHAR DEFAULT 'x;''y');\n/* c; */\nINSERT INTO t VALUES ($$a;\nb$$);\n-- only comments\n;\nDROP TABLE t"
	got := Split(body)
	want := []Stmt{
		{Text: "CREATE TABLE \"a;b\" (x VARCHAR DEFAULT 'x;''y');", Line: 3},
		{Text: "INSERT INTO t VALUES ($$a;\nb$$);", Line: 5},
		{Text: "DROP TABLE t", Line: 9},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
	nested := "/* off:\n /* inner */\n DROP TABLE victim;\n-- */\nSELECT E'a\\';b';"
	if got := Split(nested); len(got) != 1 || got[0].Text != "SELECT E'a\\';b';" || got[0].Line != 5 {
		t.Errorf("nested comments and E-strings: %#v", got)
	}
	if s, ok := At(body, 6); !ok || s.Line != 5 {
		t.Errorf("At line 6: %#v", s)
	}
}

func TestQuoteDouble(t *testing.T) {
	if QuoteDouble(`we"ird`) != `"we""ird"` {
		t.Error(QuoteDouble(`we"ird`))
	}
}
