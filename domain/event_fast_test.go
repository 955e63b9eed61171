package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
)

// decodeVariants are rewrites of a plain envelope, each either plain (the
// fast path must take it) or one of the shapes it leaves to encoding/json.
var decodeVariants = []struct {
	name  string
	plain bool
	edit  func(string) string
}{
	{"as sent", true, func(s string) string { return s }},
	{"spaced", true, func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, ",", " ,\n\t"), ":", " : ") }},
	{"version null", true, func(s string) string { return replaceVersion(s, "null") }},
	{"version negative zero", true, func(s string) string { return replaceVersion(s, "-0") }},
	{"version 1.0", false, func(s string) string { return replaceVersion(s, "1.0") }},
	{"version 1e0", false, func(s string) string { return replaceVersion(s, "1e0") }},
	{"version +1", false, func(s string) string { return replaceVersion(s, "+1") }},
	{"version 01", false, func(s string) string { return replaceVersion(s, "01") }},
	{"version overflow", false, func(s string) string { return replaceVersion(s, "99999999999999999999") }},
	{"version string", false, func(s string) string { return replaceVersion(s, `"1"`) }},
	{"data null", true, func(s string) string { return s[:strings.Index(s, `"data":`)] + `"data":null}` }},
	{"data empty", true, func(s string) string { return s[:strings.Index(s, `"data":`)] + `"data":{}}` }},
	{"data array", false, func(s string) string { return s[:strings.Index(s, `"data":`)] + `"data":[1]}` }},
	{"data string", false, func(s string) string { return s[:strings.Index(s, `"data":`)] + `"data":"x"}` }},
	{"no data", true, func(s string) string { return strings.TrimSuffix(s[:strings.Index(s, `"data":`)], ",") + `}` }},
	{"data number NaN", false, func(s string) string { return addData(s, `"x":NaN`) }},
	{"data number Inf", false, func(s string) string { return addData(s, `"x":-Inf`) }},
	{"data number 1.", false, func(s string) string { return addData(s, `"x":1.`) }},
	{"data number .5", false, func(s string) string { return addData(s, `"x":.5`) }},
	{"data number 1e5", true, func(s string) string { return addData(s, `"x":1e5`) }},
	{"data number -0.25E-3", true, func(s string) string { return addData(s, `"x":-0.25E-3`) }},
	{"data nested", false, func(s string) string { return addData(s, `"x":{"y":1}`) }},
	{"data list", false, func(s string) string { return addData(s, `"x":[]`) }},
	{"data bools and null", true, func(s string) string { return addData(s, `"x":true,"y":false,"z":null`) }},
	{"data duplicate key", true, func(s string) string { return addData(s, `"x":1,"x":"two"`) }},
	{"data key with UTF-8", true, func(s string) string { return addData(s, `"manutenção":"sim"`) }},
	{"data value invalid UTF-8", false, func(s string) string { return addData(s, "\"x\":\"a\xffb\"") }},
	{"data key invalid UTF-8", false, func(s string) string { return addData(s, "\"\xfe\":1") }},
	{"data value with a tab", false, func(s string) string { return addData(s, "\"x\":\"a\tb\"") }},
	{"data value escaped", false, func(s string) string { return addData(s, `"x":"a\"b"`) }},
	{"data value lone surrogate", false, func(s string) string { return addData(s, `"x":"\ud800"`) }},
	{"key in capitals", false, func(s string) string { return strings.Replace(s, `"tenant_id"`, `"TENANT_ID"`, 1) }},
	{"unknown key", false, func(s string) string { return strings.Replace(s, `{"id"`, `{"extra":1,"id"`, 1) }},
	{"id null", false, func(s string) string { return strings.Replace(s, `"id":"`, `"id":null,"old_id":"`, 1) }},
	{"id number", false, func(s string) string { return strings.Replace(s, `{"id":"`, `{"id":7,"x":"`, 1) }},
	{"duplicate id", true, func(s string) string { return strings.Replace(s, `{"id":"`, `{"id":"first","id":"`, 1) }},
	{"trailing value", false, func(s string) string { return s + `{}` }},
	{"trailing comma", false, func(s string) string { return strings.TrimSuffix(s, "}") + ",}" }},
	{"truncated", false, func(s string) string { return s[:len(s)-3] }},
	{"top-level array", false, func(s string) string { return "[" + s + "]" }},
	{"literal typo", false, func(s string) string { return addData(s, `"x":nul`) }},
}

func replaceVersion(s, v string) string {
	i := strings.Index(s, `"version":`) + len(`"version":`)
	j := i + strings.IndexAny(s[i:], ",}")
	return s[:i] + v + s[j:]
}

func addData(s, members string) string {
	i := strings.Index(s, `"data":{`) + len(`"data":{`)
	if s[i] == '}' {
		return s[:i] + members + s[i:]
	}
	return s[:i] + members + "," + s[i:]
}

// TestParseEventPathsAgree holds ParseEvent's fast path to encoding/json:
// whatever it takes, encoding/json decodes to the same envelope and data;
// the envelopes the demo generator sends (every source and event type)
// and their plain variants do take it; the other shapes do not.
func TestParseEventPathsAgree(t *testing.T) {
	ds, err := demogen.Generate(demogen.Config{Seed: 5, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Events: 600, InvalidRate: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	fastCount := 0
	for _, ev := range ds.Events {
		types[ev.Type] = true
		base := string(demogen.Envelope(ev))
		for _, v := range decodeVariants {
			raw := v.edit(base)
			fast, err := domain.CompareDecodePaths([]byte(raw))
			if err != nil {
				t.Fatalf("%s of %s: %v\n%s", v.name, ev.ID, err, raw)
			}
			if fast != v.plain {
				t.Fatalf("%s of %s: fast path taken %v, want %v\n%s", v.name, ev.ID, fast, v.plain, raw)
			}
			if fast {
				fastCount++
			}
		}
	}
	if len(types) < 8 {
		t.Fatalf("only %d event types generated", len(types))
	}
	// The generator's invalid envelopes: whichever path takes them agrees.
	for _, raw := range ds.Raw {
		if _, err := domain.CompareDecodePaths(raw); err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
	}
	t.Logf("%d events, %d types, %d variants decoded by the fast path", len(ds.Events), len(types), fastCount)
}

// FuzzParseEventPaths: for any input the fast path takes, encoding/json
// agrees (go test -fuzz FuzzParseEventPaths ./domain/).
func FuzzParseEventPaths(f *testing.F) {
	f.Add([]byte(good))
	for _, v := range decodeVariants {
		f.Add([]byte(v.edit(good)))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, err := domain.CompareDecodePaths(raw); err != nil {
			t.Fatalf("%v\n%q", err, raw)
		}
	})
}
