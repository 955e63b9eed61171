package sqlmeta

import (
	"errors"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	pg := &Dialect{Numbered: true}
	lite := &Dialect{}
	for _, tc := range []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b IN (?, ?)", "a = $1 AND b IN ($2, $3)"},
		{"name = ? AND note = 'é'", "name = $1 AND note = 'é'"},
	} {
		if got := pg.rebind(tc.in); got != tc.pg {
			t.Errorf("postgres rebind(%q) = %q, want %q", tc.in, got, tc.pg)
		}
		if got := lite.rebind(tc.in); got != tc.in {
			t.Errorf("sqlite rebind(%q) = %q, want it unchanged", tc.in, got)
		}
	}
}

func TestTimeArg(t *testing.T) {
	t.Parallel()
	in := time.Date(2026, 1, 2, 1, 4, 5, 123456789, time.FixedZone("X", 2*3600))
	if got := (&Dialect{TimeAsText: true}).timeArg(in); got != "2026-01-01T23:04:05.123456Z" {
		t.Errorf("text time = %v", got)
	}
	// Fixed width: whole seconds keep their six zeros, so text order is
	// time order.
	if got := (&Dialect{TimeAsText: true}).timeArg(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); got != "2026-01-01T00:00:00.000000Z" {
		t.Errorf("text time = %v", got)
	}
	got, ok := (&Dialect{}).timeArg(in).(time.Time)
	if !ok || got.Location() != time.UTC || !got.Equal(in.Truncate(time.Microsecond)) || got.Nanosecond()%1000 != 0 {
		t.Errorf("native time = %v", got)
	}
}

func TestWriteErr(t *testing.T) {
	t.Parallel()
	kinds := map[string]Violation{"unique": UniqueViolation, "fk": ForeignKeyViolation, "check": CheckViolation}
	d := &Dialect{Classify: func(err error) Violation { return kinds[err.Error()] }}
	for _, tc := range []struct {
		err   string
		code  domain.Code
		field string
	}{
		{"unique", domain.CodeConflict, ""},
		{"fk", domain.CodeInvalid, "customer_id"},
		{"check", domain.CodeInvalid, ""},
		{"disk full", domain.CodeInternal, ""},
	} {
		err := d.writeErr(errors.New(tc.err), "create site", "site id is taken", "customer_id")
		if !domain.IsCode(err, tc.code) {
			t.Errorf("%s: %v, want code %s", tc.err, err, tc.code)
		}
		var de *domain.Error
		if errors.As(err, &de) && de.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.err, de.Field, tc.field)
		}
	}
	if err := d.writeErr(errors.New("disk full"), "create site", "", ""); err.Error() != "create site: disk full" {
		t.Errorf("wrapped error = %q", err)
	}
}

func TestScopeCodec(t *testing.T) {
	t.Parallel()
	raw, err := encodeScope(domain.Scope{domain.DimSite: nil, domain.DimCustomer: {"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	if raw != `{"customer":["c1"],"site":[]}` {
		t.Fatalf("encoded = %s", raw)
	}
	for in, want := range map[string]domain.Scope{
		`{}`:                    {},
		`null`:                  {},
		`{"site":null}`:         {domain.DimSite: {}},
		`{"site":["a","b"]}`:    {domain.DimSite: {"a", "b"}},
		`{"contract":[]}`:       {domain.DimContract: {}},
		`{"site":[],"team":[]}`: {domain.DimSite: {}, domain.DimTeam: {}},
	} {
		got, err := decodeScope(in)
		if err != nil {
			t.Fatalf("decode %s: %v", in, err)
		}
		if len(got) != len(want) || !got.Equal(want) {
			t.Errorf("decode %s = %#v, want %#v", in, got, want)
		}
		for d, vs := range got {
			if vs == nil {
				t.Errorf("decode %s: %s is nil, want an empty list", in, d)
			}
		}
	}
	if _, err := decodeScope(`[`); err == nil {
		t.Error("decoding malformed JSON succeeded")
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "?", 3: "?, ?, ?"} {
		if got := placeholders(n); got != want {
			t.Errorf("placeholders(%d) = %q, want %q", n, got, want)
		}
	}
}
