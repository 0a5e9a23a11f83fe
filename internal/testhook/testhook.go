// Package testhook holds the points where tests of this module step into
// mxmigrate's flow to make races happen deterministically. Production code
// only reads them; they are nil outside tests.
package testhook

// BeforeLock runs before the runner takes golang-migrate's lock for a step
// of up, down or force: the window in which another run may move the version.
var BeforeLock func()
