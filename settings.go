package mxmigrate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
)

// UnknownKeys are the keys of metaxy.toml that nothing reads, each a line
// naming the file and the key: under [ext.mxmigrate] (mxmigrate's own
// keys, a section per dialect), its environments, and [stores.<name>.config]
// of envs' stores (the keys Metaxy's config class of the store accepts;
// Metaxy refuses any other). Keys Metaxy knows and mxmigrate does not use
// (hash_algorithm) are not listed. The CLI prints them as warnings, or
// refuses with --strict.
func (p *Project) UnknownKeys(envs []*Env) []string {
	c := p.Config
	var out []string
	mxKnown := append(append([]string(nil), config.MxKnown...), dialect.Names()...)
	for _, k := range c.MxKeys {
		if !slices.Contains(mxKnown, k) {
			out = append(out, fmt.Sprintf("%s: ext.mxmigrate.%s: unknown key, ignored (mxmigrate knows %s)", c.Path, k, strings.Join(mxKnown, ", ")))
			continue
		}
		// a dialect's section, read only where one of its stores is used:
		// read it now, so that a typo there is not silent elsewhere
		if d, ok := dialect.Lookup(k); ok {
			if settings, where, err := c.Ext(k); err != nil {
				out = append(out, err.Error())
			} else if _, err := d.Tune(settings, c.Path+": "+where); err != nil {
				out = append(out, err.Error())
			}
		}
	}
	names := slices.Sorted(maps.Keys(c.EnvKeys))
	for _, n := range names {
		for _, k := range c.EnvKeys[n] {
			if !slices.Contains(config.EnvKnown, k) {
				out = append(out, fmt.Sprintf("%s: ext.mxmigrate.environments.%q.%s: unknown key, ignored (an environment knows %s)", c.Path, n, k, strings.Join(config.EnvKnown, ", ")))
			}
		}
	}
	seen := map[string]bool{}
	for _, e := range envs {
		if seen[e.Store.Name] {
			continue
		}
		seen[e.Store.Name] = true
		known := e.Dialect.About().StoreKeys
		keys := slices.Sorted(maps.Keys(e.Store.Settings))
		for _, k := range keys {
			if !slices.Contains(known, k) {
				out = append(out, fmt.Sprintf("%s: %s: unknown key, ignored: neither Metaxy's %s nor mxmigrate reads it (Metaxy refuses it too; known: %s)",
					c.Path, e.Store.Key(k), e.Store.Type, strings.Join(known, ", ")))
			}
		}
	}
	return out
}
