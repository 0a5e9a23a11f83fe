package features

import (
	"github.com/pelletier/go-toml/v2/unstable"
)

// humanFast reads a definition file in the human form from its parsed
// expressions, without reflection: the common case, a valid file of
// [[feature]] and [[feature.column]] tables with their keys in lower case.
// It takes nothing it is not sure of: on anything else (the lock shape, an
// unknown or repeated key, a dotted key, a [table], a value of another type,
// a syntax error) ok is false, and loadTOML decodes the file with go-toml's
// decoder, which reads it as before and says what is wrong and where.
// FuzzHumanFast holds the two to the same result.
//
// At 1,000 features (1 MB) loading the file took ~28 ms and 7.2 MB of
// allocations through the decoder, more in a process whose heap is still
// growing; through this, ~11 ms and 4.4 MB (docs/performance.md).
func humanFast(data []byte) (hf *humanFile, ok bool) {
	hf = &humanFile{}
	var p unstable.Parser
	p.Reset(data)
	var (
		feature *humanFeature
		column  *humanColumn
		seen    uint8 // the keys set in the current table (bits below)
		root    = true
		types   = map[string]string{} // setColumn's
	)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.ArrayTable:
			switch {
			case keyIs(e, "feature"):
				hf.Feature = append(hf.Feature, humanFeature{})
				feature, column = &hf.Feature[len(hf.Feature)-1], nil
			case keyIs(e, "feature", "column") && feature != nil:
				feature.Column = append(feature.Column, humanColumn{})
				column = &feature.Column[len(feature.Column)-1]
			default:
				return nil, false
			}
			root, seen = false, 0
		case unstable.KeyValue:
			k := e.Key()
			if !k.Next() {
				return nil, false
			}
			name := string(k.Node().Data)
			if k.Next() {
				return nil, false // a dotted key
			}
			bit, ok := humanKeyBit(root, column != nil, name)
			if !ok || seen&bit != 0 {
				return nil, false
			}
			seen |= bit
			v := e.Value()
			switch {
			case root:
				ok = str(v, &hf.Project)
			case column != nil:
				ok = setColumn(column, name, v, types)
			default:
				ok = setFeature(feature, name, v)
			}
			if !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if p.Error() != nil || hf.Feature == nil {
		return nil, false
	}
	return hf, true
}

// keyIs reports whether a table header's key is parts.
func keyIs(e *unstable.Node, parts ...string) bool {
	k := e.Key()
	for _, p := range parts {
		if !k.Next() || string(k.Node().Data) != p {
			return false
		}
	}
	return !k.Next()
}

// humanKeyBit is the bit of a key of the human form in its table (the root,
// a [[feature]] or a [[feature.column]]), and whether the table has it.
func humanKeyBit(root, column bool, name string) (uint8, bool) {
	var keys []string
	switch {
	case root:
		keys = []string{"project"}
	case column:
		keys = []string{"name", "type", "nullable", "description"}
	default:
		keys = []string{"key", "project", "id_columns", "class_path", "description"}
	}
	for i, k := range keys {
		if k == name {
			return 1 << i, true
		}
	}
	return 0, false
}

func setFeature(f *humanFeature, name string, v *unstable.Node) bool {
	switch name {
	case "key":
		return str(v, &f.Key)
	case "project":
		return str(v, &f.Project)
	case "class_path":
		return str(v, &f.ClassPath)
	case "description":
		return str(v, &f.Description)
	}
	// id_columns
	if v.Kind != unstable.Array {
		return false
	}
	f.IDColumns = []string{}
	for it := v.Children(); it.Next(); {
		var s string
		if !str(it.Node(), &s) {
			return false
		}
		f.IDColumns = append(f.IDColumns, s)
	}
	return true
}

// setColumn sets a column's key; types holds one string for each type
// named, which most columns share.
func setColumn(c *humanColumn, name string, v *unstable.Node, types map[string]string) bool {
	switch name {
	case "name":
		return str(v, &c.Name)
	case "description":
		return str(v, &c.Description)
	case "type":
		if v.Kind != unstable.String {
			return false
		}
		if c.Type = types[string(v.Data)]; c.Type == "" {
			c.Type = string(v.Data)
			types[c.Type] = c.Type
		}
		return true
	}
	// nullable
	if v.Kind != unstable.Bool {
		return false
	}
	c.Nullable = string(v.Data) == "true"
	return true
}

// str sets *s to a string value.
func str(v *unstable.Node, s *string) bool {
	if v.Kind != unstable.String {
		return false
	}
	*s = string(v.Data)
	return true
}
