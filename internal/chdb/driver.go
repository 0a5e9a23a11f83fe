package chdb

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Connector is a database/sql connector on a session, in one database:
// sql.OpenDB(chdb.NewConnector(s, "db")). Every connection it makes shares
// the session. ClickHouse has no transactions: Begin returns a transaction
// whose statements take effect at once and whose Rollback undoes nothing.
type Connector struct {
	s  *Session
	db string
}

// NewConnector returns a connector on s whose statements run in database db.
func NewConnector(s *Session, db string) *Connector { return &Connector{s: s, db: db} }

// Connect implements driver.Connector.
func (c *Connector) Connect(context.Context) (driver.Conn, error) { return &conn{c: c}, nil }

// Driver implements driver.Connector.
func (c *Connector) Driver() driver.Driver { return drv{} }

type drv struct{}

func (drv) Open(string) (driver.Conn, error) {
	return nil, errors.New("chdb: open connections through chdb.NewConnector")
}

type conn struct{ c *Connector }

var (
	_ driver.ExecerContext  = (*conn)(nil)
	_ driver.QueryerContext = (*conn)(nil)
	_ driver.Pinger         = (*conn)(nil)
)

func (c *conn) Prepare(q string) (driver.Stmt, error) { return &stmt{c: c, q: q}, nil }
func (c *conn) Close() error                          { return nil }
func (c *conn) Begin() (driver.Tx, error)             { return tx{}, nil }

func (c *conn) Ping(ctx context.Context) error {
	_, err := c.c.s.Query(c.c.db, "SELECT 1", "TabSeparated")
	return err
}

func (c *conn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if _, err := c.run(ctx, q, args, "TabSeparated"); err != nil {
		return nil, err
	}
	return driver.RowsAffected(0), nil
}

func (c *conn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	out, err := c.run(ctx, q, args, "JSONCompact")
	if err != nil {
		return nil, err
	}
	return parseRows(out)
}

// run binds args into q and runs it in the connector's database.
func (c *conn) run(ctx context.Context, q string, args []driver.NamedValue, format string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bound, err := Bind(q, args)
	if err != nil {
		return nil, err
	}
	return c.c.s.Query(c.c.db, bound, format)
}

type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }

type stmt struct {
	c *conn
	q string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.q, named(args))
}
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.q, named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// rows are a JSONCompact result.
type rows struct {
	names []string
	types []string
	data  [][]json.RawMessage
	i     int
}

func parseRows(out []byte) (*rows, error) {
	r := &rows{}
	if len(bytes.TrimSpace(out)) == 0 {
		return r, nil
	}
	var doc struct {
		Meta []struct{ Name, Type string }
		Data [][]json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("chdb: reading a result: %w", err)
	}
	for _, m := range doc.Meta {
		r.names = append(r.names, m.Name)
		r.types = append(r.types, m.Type)
	}
	r.data = doc.Data
	return r, nil
}

func (r *rows) Columns() []string { return r.names }
func (r *rows) Close() error      { return nil }

func (r *rows) Next(dest []driver.Value) error {
	if r.i >= len(r.data) {
		return io.EOF
	}
	row := r.data[r.i]
	r.i++
	for j := range dest {
		if j >= len(row) {
			dest[j] = nil
			continue
		}
		v, err := value(r.types[j], row[j])
		if err != nil {
			return fmt.Errorf("chdb: column %s: %w", r.names[j], err)
		}
		dest[j] = v
	}
	return nil
}

// value converts one JSON value of ClickHouse type typ.
func value(typ string, raw json.RawMessage) (driver.Value, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	base := unwrap(typ)
	text := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		text = s
		if !numeric(base) && base != "Bool" {
			return s, nil
		}
	}
	switch {
	case strings.HasPrefix(base, "Int") || strings.HasPrefix(base, "UInt"):
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		return text, nil // beyond int64: as text
	case strings.HasPrefix(base, "Float"):
		switch text {
		case "inf", "+inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		case "nan", "-nan":
			return math.NaN(), nil
		}
		return strconv.ParseFloat(text, 64)
	case base == "Bool":
		return text == "true" || text == "1", nil
	}
	return text, nil // Map, Array, Tuple, JSON: their JSON text
}

func numeric(base string) bool {
	return strings.HasPrefix(base, "Int") || strings.HasPrefix(base, "UInt") || strings.HasPrefix(base, "Float")
}

// unwrap removes Nullable(...) and LowCardinality(...).
func unwrap(typ string) string {
	for {
		switch {
		case strings.HasPrefix(typ, "Nullable(") && strings.HasSuffix(typ, ")"):
			typ = typ[len("Nullable(") : len(typ)-1]
		case strings.HasPrefix(typ, "LowCardinality(") && strings.HasSuffix(typ, ")"):
			typ = typ[len("LowCardinality(") : len(typ)-1]
		default:
			return typ
		}
	}
}
