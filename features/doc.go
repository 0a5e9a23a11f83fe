// Package features reads Metaxy feature definitions from their three sources
// (metaxy.lock, definition files, the store's feature_versions rows), merges
// them by precedence, validates keys, and maps each feature's JSON Schema to
// logical columns in property order.
package features
