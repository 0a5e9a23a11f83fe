// Package proof runs a plan on a dev database before anything is written
// (docs/proof.md): the directory's files replayed, sample rows put into the
// tables the plan touches, the new up files applied and checked (the schema
// is the target; rows and the values of the columns the plan keeps are
// kept; changed values are shown), the down files applied and checked (the
// schema and the restorable values are back), the up files applied again.
// A file that fails, or a schema that is not the target, is a bug of
// mxmigrate (Bug); what happens to values is a finding the plan shows.
package proof
