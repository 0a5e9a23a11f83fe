// Package redact keeps secrets out of what mxmigrate prints: passwords in
// URLs and DSNs, and every secret a store's configuration registered, are
// masked in messages, errors and plans.
package redact
