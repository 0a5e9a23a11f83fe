// Package sqltext holds SQL text that several dialects share: the DDL whose
// form every supported database accepts, identifier quoting, and splitting a
// migration file into statements with their line numbers.
package sqltext
