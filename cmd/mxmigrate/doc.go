// Command mxmigrate is the CLI: it parses flags, calls one function of package
// mxmigrate, and prints the result. See `mxmigrate --help`.
package main
