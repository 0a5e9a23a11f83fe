package mxmigrate

import (
	"slices"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// policy is the environment's policy for what mxmigrate did not create
// (decision 40): [ext.mxmigrate] manage_unknown and ignore, and which live
// indexes are mxmigrate's own (named by the naming convention for their
// columns, so that an index the target stops asking for is still dropped).
func (p *Project) policy(env *Env) diff.Policy {
	mx := &p.Config.Mx
	conv := mx.Naming
	names := env.Dialect
	return diff.Policy{
		Drop:   mx.ManageUnknown == config.ManageDrop,
		Ignore: mx.Ignored,
		Owned: func(table string, ix *schema.Index) bool {
			if ix.Unique || ix.Using != "" || len(ix.Columns) == 0 || slices.Contains(ix.Columns, "") {
				return false
			}
			n, err := schema.Name(conv.IX, table, ix.Columns, "")
			return err == nil && names.Fold(names.Physical(schema.OwnName, n)) == names.Fold(ix.Name)
		},
	}
}
