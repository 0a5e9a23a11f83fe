package postgres_test

import (
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestServerIsTheImagesMajor makes sure the matrix runs what it says: the
// server answering is the major version the image's tag names (when it names
// one), and one that mxmigrate supports.
func TestServerIsTheImagesMajor(t *testing.T) {
	got, err := pg.ServerMajor()
	if err != nil {
		t.Fatal(err)
	}
	want := itest.ImageMajor(pg.Image)
	if got < 12 {
		t.Fatalf("image %s runs PostgreSQL %d; mxmigrate's online forms need 12 or newer", pg.Image, got)
	}
	if want != 0 && got != want {
		t.Fatalf("image %s runs PostgreSQL %d, its tag says %d", pg.Image, got, want)
	}
	t.Logf("PostgreSQL %d from %s", got, pg.Image)
}
