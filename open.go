package mxmigrate

import (
	"context"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/catalog"
	"github.com/mxmigrate/mxmigrate/schema"
)

// opening is a database being opened, and read, in the background.
type opening chan opened

type opened struct {
	h   *dialect.Handle
	err error
	// early is what the catalog said of the tables the directory manages
	// (and the migrations table), read while the target is derived: in a
	// project whose features are all migrated, every table the plan needs;
	// asked for the names it holds; counter counts its catalog queries.
	early   *schema.Schema
	asked   map[string]bool
	counter *catalog.Counter
}

// openAsync opens a store's database for reading while the caller goes on,
// then reads the tables named early (nil: none) with the dialect's Inspect,
// so that the catalog queries run while the target is derived.
func openAsync(ctx context.Context, st dialect.Store, exitSoon bool, d dialect.Dialect, early []string) opening {
	ch := make(opening, 1)
	go func() {
		h, err := st.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: exitSoon})
		r := opened{h: h, err: err, asked: map[string]bool{}}
		if err == nil && d != nil && len(early) > 0 {
			r.counter = &catalog.Counter{Q: h}
			r.early, r.err = d.Inspect(ctx, r.counter, early)
			for _, n := range early {
				r.asked[n] = true
			}
			if r.err != nil {
				h.Close()
			}
		}
		ch <- r
	}()
	return ch
}

// discard closes the database once it is open.
func (o opening) discard() {
	go func() {
		if r := <-o; r.err == nil {
			r.h.Close()
		}
	}()
}
