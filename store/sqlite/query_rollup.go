package sqlite

import (
	"strings"

	"github.com/conductor/reports/domain"
)

// column is the expression reading field f: on a rollup, "" (null) reads
// back as NULL and booleans as 0/1, as on the raw tables; the rollup's
// time column is its bucket.
func (c *compiler) column(f *domain.Field) string {
	if c.rollup == nil {
		return f.Name
	}
	switch {
	case f.Name == c.rollup.TimeField:
		return "bucket"
	case f.Type == domain.TypeBool:
		return "CASE " + f.Name + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END"
	}
	return "NULLIF(" + f.Name + ", '')"
}

// rollupFilter translates a covered filter to the rollup's encoding: null
// dimensions are "", booleans 'true'/'false', so "not equal" and "exists"
// must exclude "" explicitly to keep SQL's NULL semantics.
func (c *compiler) rollupFilter(f *domain.Filter, fld *domain.Field) (string, error) {
	col := fld.Name
	if fld.Name == c.rollup.TimeField {
		// A bucket-aligned bound (the planner checked): the bucket is
		// inside the range exactly when its start is.
		raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
		if err != nil || len(raw) != 1 {
			return "", domain.Invalid("filters", "%s: a time bound takes one value", f.Field)
		}
		cv, err := domain.CoerceValue(fld, raw[0], c.req.Now, c.req.Location)
		if err != nil {
			return "", domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		return "bucket " + f.Op + " " + c.bind(stored(cv)), nil
	}
	switch f.Op {
	case "EXISTS":
		return col + " <> ''", nil
	case "NOT_EXISTS":
		return col + " = ''", nil
	}
	raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
	if err != nil {
		return "", domain.Invalid("filters", "%v", err)
	}
	vals := make([]string, len(raw))
	for i, v := range raw {
		cv, err := domain.CoerceValue(fld, v, c.req.Now, c.req.Location)
		if err != nil {
			return "", domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		vals[i] = c.bind(dimValue(cv))
	}
	switch f.Op {
	case "==", "=":
		return col + " = " + vals[0], nil
	case "!=":
		return "(" + col + " <> " + vals[0] + " AND " + col + " <> '')", nil
	case "IN":
		return col + " IN (" + strings.Join(vals, ", ") + ")", nil
	case "NOT_IN":
		return "(" + col + " NOT IN (" + strings.Join(vals, ", ") + ") AND " + col + " <> '')", nil
	case "CONTAINS":
		// '' stands for null here, and instr(x, '') is 1: keep nulls out.
		return "(instr(" + col + ", " + vals[0] + ") > 0 AND " + col + " <> '')", nil
	}
	return "", domain.Invalid("filters", "operator %q is not answered by rollups", f.Op)
}
