// Package gcpace keeps the Go heap within a fixed headroom over what is
// live, instead of the collector's default of twice what is live: at
// 10,000 tables mxmigrate holds ~20 MB of schemas, and the default let the
// heap grow to ~40 MB beside the database engine's own memory (issue 21,
// docs/performance.md). After each collection the pacing (GOGC) is set so
// that the next one starts once Headroom more bytes are allocated, never
// below MinPercent (the collector's CPU stays bounded on huge heaps) nor
// above 100 (the default, kept on small heaps). GOGC in the environment
// turns it off.
package gcpace
