package demogen

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestAppendStringIsJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\x01", "Climatização", "bad \xff utf8", "emoji 🛠"} {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("%q -> %q, encoding/json gives %q", s, back, wantBack)
		}
	}
}

func TestJSONObjValues(t *testing.T) {
	t.Parallel()
	o := jsonObj{}
	o.open()
	o.cents("a", some(123456))
	o.cents("b", some(-5))
	o.cents("c", optInt{})
	o.int("d", optInt{})
	o.str("e", "")
	o.time("f", time.Time{})
	o.boolean("g", true)
	o.close()
	if got, want := string(o.b), `{"a":1234.56,"b":-0.05,"c":null,"d":null,"e":null,"f":null,"g":true}`; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestEnvelopeWithoutData(t *testing.T) {
	t.Parallel()
	ev := domain.Event{ID: "i", TenantID: "t", Source: "s", Type: "x", OccurredAt: testNow, EntityID: "e", Version: 1}
	if got, want := string(Envelope(ev)), `{"id":"i","tenant_id":"t","source":"s","type":"x","occurred_at":"2026-12-01T15:30:00Z","entity_id":"e","version":1,"data":{}}`; got != want {
		t.Fatalf("got %s", got)
	}
}
