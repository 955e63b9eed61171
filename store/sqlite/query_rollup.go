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

// rollupFilter writes a covered filter in the rollup's encoding: null
// dimensions are "", booleans 'true'/'false', so "not equal" and "exists"
// must exclude "" explicitly to keep SQL's NULL semantics.
func (c *compiler) rollupFilter(b *strings.Builder, f *domain.Filter, fld *domain.Field) error {
	col := fld.Name
	if fld.Name == c.rollup.TimeField {
		// A bucket-aligned bound (the planner checked): the bucket is
		// inside the range exactly when its start is.
		n, err := c.bindValues(f, fld, stored)
		if err != nil {
			return err
		}
		if n != 1 {
			return domain.Invalid("filters", "%s: a time bound takes one value", f.Field)
		}
		write(b, "bucket ", f.Op, " ?")
		return nil
	}
	switch f.Op {
	case "EXISTS":
		write(b, col, " <> ''")
		return nil
	case "NOT_EXISTS":
		write(b, col, " = ''")
		return nil
	}
	n, err := c.bindValues(f, fld, func(v any) any { return dimValue(v) })
	if err != nil {
		return err
	}
	if err := valueCount(f, n); err != nil {
		return err
	}
	switch f.Op {
	case "==", "=":
		write(b, col, " = ?")
	case "!=":
		write(b, "(", col, " <> ? AND ", col, " <> '')")
	case "IN":
		write(b, col, " IN (")
		placeholders(b, n)
	case "NOT_IN":
		write(b, "(", col, " NOT IN (")
		placeholders(b, n)
		write(b, " AND ", col, " <> '')")
	case "CONTAINS":
		// '' stands for null here, and instr(x, '') is 1: keep nulls out.
		write(b, "(instr(", col, ", ?) > 0 AND ", col, " <> '')")
	default:
		return domain.Invalid("filters", "operator %q is not answered by rollups", f.Op)
	}
	return nil
}
