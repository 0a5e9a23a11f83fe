// Package rowcmp says how the values of a column compare across a change of
// its type: which conversions keep every value (and how to read the text of
// a value on either side so that equal values compare equal), for the
// conformance kit and the proof, which both check that rows survive a plan.
package rowcmp
