package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
)

// lockNotAvailable is SQLSTATE 55P03: lock_timeout ran out (or NOWAIT).
const lockNotAvailable = "55P03"

// Explains: a lock timeout.
func (Dialect) Explains(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == lockNotAvailable
}

// blockersQuery lists the other sessions of this database with a
// transaction open, oldest first: the ones a migration queues behind.
const blockersQuery = `SELECT pid, coalesce(usename, ''), coalesce(state, ''), extract(epoch FROM now() - xact_start)::float8, coalesce(query, '')
FROM pg_catalog.pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
ORDER BY xact_start
LIMIT 5`

// Explain says that the file gave up waiting for a lock and names the
// sessions with open transactions that may hold it, read through a
// connection of its own to st.
func (Dialect) Explain(ctx context.Context, st dialect.Store, err error) string {
	h, oerr := st.Open(ctx, dialect.OpenOptions{ReadOnly: true})
	if oerr != nil {
		return ""
	}
	defer h.Close()
	var q dialect.Queryer = h
	var b strings.Builder
	b.WriteString("The statement waited longer than lock_timeout for a lock that another session holds, and gave up so as not to block every session queued behind it (set lock_timeout in [ext.mxmigrate.postgresql] of metaxy.toml, for new files).")
	var lines []string
	qerr := catalog.Scan(ctx, q, "read sessions", blockersQuery, nil, func(r *sql.Rows) error {
		var pid int
		var user, state, query string
		var secs float64
		if err := r.Scan(&pid, &user, &state, &secs, &query); err != nil {
			return err
		}
		query = strings.Join(strings.Fields(query), " ")
		if len(query) > 80 {
			query = query[:79] + "…"
		}
		lines = append(lines, fmt.Sprintf("  pid %d (%s, %s, transaction open for %s): %s", pid, user, state, (time.Duration(secs*float64(time.Second))).Round(time.Second), query))
		return nil
	})
	if qerr == nil && len(lines) > 0 {
		b.WriteString(" Sessions with a transaction open now, oldest first:\n")
		b.WriteString(strings.Join(lines, "\n"))
		b.WriteString("\nWait for them to finish, or end one with SELECT pg_terminate_backend(<pid>), then go on as above.")
	} else {
		b.WriteString(" No session holds a transaction open now: go on as above.")
	}
	return b.String()
}
