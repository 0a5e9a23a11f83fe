package catalog

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// Queryer runs catalog queries. *sql.DB, *sql.Conn, *sql.Tx and a dialect's
// handle satisfy it.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Wrapper is a Queryer that passes queries on to another (e.g. Counter);
// Pooled looks through it.
type Wrapper interface {
	Queryer
	Unwrap() Queryer
}

// Pooled reports whether q spreads queries over a pool of connections, on
// which queries may run at once: a *sql.DB, or a value that embeds one (a
// dialect's handle). *sql.Conn and *sql.Tx are one connection: two queries in
// flight on one of them fail ("conn busy").
func Pooled(q Queryer) bool {
	for {
		switch x := q.(type) {
		case interface{ Stats() sql.DBStats }:
			return true
		case Wrapper:
			q = x.Unwrap()
		default:
			return false
		}
	}
}

// Counter wraps a Queryer and counts the queries it runs.
type Counter struct {
	Q Queryer
	n atomic.Int64
}

// QueryContext runs the query and counts it.
func (c *Counter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.Q.QueryContext(ctx, query, args...)
}

// Unwrap returns the wrapped Queryer (Pooled looks through it).
func (c *Counter) Unwrap() Queryer { return c.Q }

var _ Wrapper = (*Counter)(nil)

// Count returns how many queries ran.
func (c *Counter) Count() int { return int(c.n.Load()) }
