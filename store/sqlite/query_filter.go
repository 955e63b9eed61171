package sqlite

import (
	"strings"

	"github.com/conductor/reports/domain"
)

// filter writes one filter: a nested and/or in parentheses, a condition
// on the raw columns, or its rollup encoding.
func (c *compiler) filter(b *strings.Builder, f *domain.Filter) error {
	if len(f.And) > 0 || len(f.Or) > 0 {
		list, joiner := f.And, " AND "
		if len(f.Or) > 0 {
			list, joiner = f.Or, " OR "
		}
		b.WriteString("(")
		for i := range list {
			if i > 0 {
				b.WriteString(joiner)
			}
			if err := c.filter(b, &list[i]); err != nil {
				return err
			}
		}
		b.WriteString(")")
		return nil
	}
	fld, _ := c.src.Field(f.Field)
	if c.rollup != nil {
		return c.rollupFilter(b, f, fld)
	}
	col := fld.Name
	switch f.Op {
	case "EXISTS":
		write(b, col, " IS NOT NULL")
		return nil
	case "NOT_EXISTS":
		write(b, col, " IS NULL")
		return nil
	}
	n, err := c.bindValues(f, fld, stored)
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
		write(b, col, " <> ?")
	case ">", ">=", "<", "<=":
		write(b, col, " ", f.Op, " ?")
	case "IN":
		write(b, col, " IN (")
		placeholders(b, n)
	case "NOT_IN":
		write(b, col, " NOT IN (")
		placeholders(b, n)
	case "BETWEEN":
		write(b, col, " BETWEEN ? AND ?")
	case "CONTAINS":
		write(b, "instr(", col, ", ?) > 0")
	default:
		return domain.Invalid("filters", "unsupported operator %q", f.Op)
	}
	return nil
}

// bindValues resolves f's values, coerces them to the field's type and
// binds each in the form conv gives it; it returns how many it bound.
func (c *compiler) bindValues(f *domain.Filter, fld *domain.Field, conv func(any) any) (int, error) {
	raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
	if err != nil {
		return 0, domain.Invalid("filters", "%v", err)
	}
	for _, v := range raw {
		cv, err := domain.CoerceValue(fld, v, c.req.Now, c.req.Location)
		if err != nil {
			return 0, domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		c.args = append(c.args, conv(cv))
	}
	return len(raw), nil
}

// valueCount checks that f has as many values as its operator compares
// with (validation ensures it; the SQL must not depend on that).
func valueCount(f *domain.Filter, n int) error {
	want := 1
	switch f.Op {
	case "IN", "NOT_IN":
		return nil
	case "BETWEEN":
		want = 2
	}
	if n != want {
		return domain.Invalid("filters", "%s: %s takes %d value(s), got %d", f.Field, f.Op, want, n)
	}
	return nil
}

// placeholders writes n bound placeholders and closes the list.
func placeholders(b *strings.Builder, n int) {
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("?")
	}
	b.WriteString(")")
}

// write appends parts to b without building their concatenation first.
func write(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}
