package mxmigrate

import (
	"context"

	"github.com/mxmigrate/mxmigrate/dialect"
)

// opening is a database being opened in the background.
type opening chan opened

type opened struct {
	h   *dialect.Handle
	err error
}

// openAsync opens a store's database for reading while the caller goes on.
func openAsync(ctx context.Context, st dialect.Store, exitSoon bool) opening {
	ch := make(opening, 1)
	go func() {
		h, err := st.Open(ctx, dialect.OpenOptions{ReadOnly: true, ExitSoon: exitSoon})
		ch <- opened{h, err}
	}()
	return ch
}

func (o opening) wait() (*dialect.Handle, error) {
	r := <-o
	return r.h, r.err
}

// discard closes the database once it is open.
func (o opening) discard() {
	go func() {
		if r := <-o; r.err == nil {
			r.h.Close()
		}
	}()
}
