package clickhouse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

var now = analyticstest.Now

// tk builds a ticket event record of tenant t1.
func tk(tb testing.TB, id, entity string, version int64, status string, created time.Time, extra string) *domain.Record {
	tb.Helper()
	typ := "ticket.updated"
	if version == 1 {
		typ = "ticket.created"
	}
	data := fmt.Sprintf(`{"status":%q,"priority":"high","customer_id":"c1","created_at":%q%s}`,
		status, created.Format(time.RFC3339), extra)
	return analyticstest.Rec(tb, analyticstest.Catalog(tb), analyticstest.Ev("t1", id, "tickets", typ, entity, version, now.Add(-time.Hour), data))
}

func testLayout(tb testing.TB) *layout {
	tb.Helper()
	l, err := newLayout(analyticstest.Catalog(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// rowSummary is a compact, comparable form of planned rows.
func rowSummary(rows []row) string {
	var parts []string
	for _, r := range rows {
		switch r.kind {
		case kindEvent:
			parts = append(parts, "E:"+r.eventID)
		case kindEntity:
			parts = append(parts, fmt.Sprintf("S%+d:%s@v%d:%v", r.sign, r.entityID, r.version, r.values["status"]))
		default:
			parts = append(parts, "D:"+r.dl.ID)
		}
	}
	return strings.Join(parts, " ")
}

func TestPlanBatch(t *testing.T) {
	day := now.Add(-48 * time.Hour)
	storedT1 := &state{version: 2, eventID: "old", updatedAt: day, values: map[string]any{"status": "open", "created_at": day.Add(-24 * time.Hour)}}
	tests := []struct {
		name    string
		recs    []*domain.Record
		stored  map[eventKey]bool
		prev    map[entityKey]*state
		want    string
		inserts int
		dups    int
		stale   int
	}{
		{name: "new entity", recs: []*domain.Record{tk(t, "e1", "T-1", 1, "open", day, "")},
			want: "E:e1 S+1:T-1@v1:open", inserts: 1},
		{name: "replaces stored state", recs: []*domain.Record{tk(t, "e3", "T-1", 3, "closed", day, "")},
			prev: map[entityKey]*state{{"t1", "tickets", "T-1"}: storedT1},
			want: "E:e3 S-1:T-1@v2:open S+1:T-1@v3:closed", inserts: 1},
		{name: "stale against stored", recs: []*domain.Record{tk(t, "e2", "T-1", 2, "closed", day, "")},
			prev: map[entityKey]*state{{"t1", "tickets", "T-1"}: storedT1},
			want: "E:e2", inserts: 1, stale: 1},
		{name: "versions in one batch net out", recs: []*domain.Record{
			tk(t, "e3", "T-1", 3, "pending", day, ""), tk(t, "e5", "T-1", 5, "closed", day, ""), tk(t, "e4", "T-1", 4, "open", day, "")},
			prev: map[entityKey]*state{{"t1", "tickets", "T-1"}: storedT1},
			want: "E:e3 E:e5 E:e4 S-1:T-1@v2:open S+1:T-1@v5:closed", inserts: 3, stale: 1},
		{name: "duplicates stored and in batch", recs: []*domain.Record{
			tk(t, "e1", "T-1", 1, "open", day, ""), tk(t, "e2", "T-2", 1, "open", day, ""), tk(t, "e2", "T-2", 1, "open", day, "")},
			stored: map[eventKey]bool{{"t1", "e1"}: true},
			want:   "E:e2 S+1:T-2@v1:open", inserts: 1, dups: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planBatch(testLayout(t), tt.recs, tt.stored, tt.prev)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowSummary(p.rows); got != tt.want {
				t.Errorf("rows\n got %s\nwant %s", got, tt.want)
			}
			r := p.result
			if r.Inserted != tt.inserts || r.Duplicates != tt.dups || r.Stale != tt.stale {
				t.Errorf("result %+v, want inserted %d duplicates %d stale %d", r, tt.inserts, tt.dups, tt.stale)
			}
		})
	}
}

// The -1 row must carry the stored state untouched, and both rows name the
// event that made the change.
func TestPlanRetractsStoredValues(t *testing.T) {
	day := now.Add(-48 * time.Hour)
	stored := &state{version: 1, eventID: "old", updatedAt: day, values: map[string]any{"status": "open", "first_response_minutes": int64(7), "created_at": day}}
	p, err := planBatch(testLayout(t), []*domain.Record{tk(t, "e2", "T-1", 2, "closed", day.Add(24*time.Hour), "")}, nil,
		map[entityKey]*state{{"t1", "tickets", "T-1"}: stored})
	if err != nil {
		t.Fatal(err)
	}
	minus := p.rows[1]
	if minus.sign != -1 || minus.values["first_response_minutes"] != int64(7) || !minus.occurredAt.Equal(day) || minus.eventID != "e2" {
		t.Fatalf("retraction row %+v", minus)
	}
	// The notice spans the old and the new created_at.
	var n app.ChangeNotice
	for _, c := range p.result.Notices {
		if c.Source == "tickets" {
			n = c
		}
	}
	if !n.From.Equal(day) || !n.To.Equal(day.Add(24*time.Hour)) {
		t.Fatalf("notice %+v", n)
	}
}

func TestPlanRefusesNonEntitySource(t *testing.T) {
	rec := tk(t, "e1", "T-1", 1, "open", now, "")
	rec.Source = &domain.Source{Name: "events", Kind: domain.SourceStream}
	if _, err := planBatch(testLayout(t), []*domain.Record{rec}, nil, nil); err == nil {
		t.Fatal("stream source accepted as an entity")
	}
}

func TestNoticesSortedAndMerged(t *testing.T) {
	n := newNoticeSet()
	n.add("t2", "tickets", now)
	n.add("t1", "tickets", now.Add(time.Hour))
	n.add("t1", "tickets", now.Add(-time.Hour))
	n.add("t1", "events", now)
	got := n.list()
	if len(got) != 3 || got[0].Source != "events" || got[1].TenantID != "t1" || got[2].TenantID != "t2" {
		t.Fatalf("order %+v", got)
	}
	if !got[1].From.Equal(now.Add(-time.Hour)) || !got[1].To.Equal(now.Add(time.Hour)) {
		t.Fatalf("merge %+v", got[1])
	}
}

func TestDeadLetterRowsGetIDs(t *testing.T) {
	rows := deadLetterRows([]domain.DeadLetter{{ID: "x", TenantID: "acme"}, {TenantID: "acme"}})
	if rows[0].dl.ID != "x" || rows[1].dl.ID == "" || rows[1].kind != kindDeadLetter {
		t.Fatalf("rows %+v %+v", rows[0].dl, rows[1].dl)
	}
}

func TestClampTimeAndValues(t *testing.T) {
	old := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	far := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := clampTime(old); !got.Equal(minDateTime) {
		t.Errorf("1900 -> %s", got)
	}
	if got := clampTime(far); !got.Equal(maxDateTime) {
		t.Errorf("2200 -> %s", got)
	}
	if got := clampTime(now.Add(1500 * time.Millisecond)); !got.Equal(now.Add(time.Second)) {
		t.Errorf("sub-second -> %s", got)
	}
}

func TestLayoutRefusesConflicts(t *testing.T) {
	field := func(name string, typ domain.FieldType) domain.Field {
		return domain.Field{Name: name, Type: typ, Kind: domain.KindDimension}
	}
	for name, cat := range map[string]*domain.Catalog{
		"type conflict": {Sources: []domain.Source{
			{Name: "a", Kind: domain.SourceEntity, Fields: []domain.Field{field("x", domain.TypeString)}},
			{Name: "b", Kind: domain.SourceEntity, Fields: []domain.Field{field("x", domain.TypeInt)}}}},
		"meta collision": {Sources: []domain.Source{
			{Name: "a", Kind: domain.SourceEntity, Fields: []domain.Field{field("sign", domain.TypeInt)}}}},
		"two streams": {Sources: []domain.Source{{Name: "a", Kind: domain.SourceStream}, {Name: "b", Kind: domain.SourceStream}}},
	} {
		if _, err := newLayout(cat); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDimAndBucketExpressions(t *testing.T) {
	src := &domain.Source{Name: "s", Kind: domain.SourceEntity}
	tests := []struct {
		f    domain.Field
		want string
	}{
		{domain.Field{Name: "b", Type: domain.TypeBool}, "if(isNull(b), '', if(assumeNotNull(b) = 1, 'true', 'false'))"},
		{domain.Field{Name: "b", Type: domain.TypeBool, Required: true}, "if(b = 1, 'true', 'false')"},
		{domain.Field{Name: "n", Type: domain.TypeInt}, "ifNull(toString(n), '')"},
		{domain.Field{Name: "n", Type: domain.TypeInt, Required: true}, "toString(n)"},
		{domain.Field{Name: "s", Type: domain.TypeString}, "ifNull(s, '')"},
		{domain.Field{Name: "id", Type: domain.TypeString, Origin: domain.OriginEntityID}, "id"},
	}
	for _, tt := range tests {
		if got := dimExpr(src, &tt.f); got != tt.want {
			t.Errorf("dimExpr(%s) = %s, want %s", tt.f.Name, got, tt.want)
		}
	}
	stream := &domain.Source{Name: "events", Kind: domain.SourceStream}
	if got := dimExpr(stream, &domain.Field{Name: "entity_id", Type: domain.TypeString, Origin: domain.OriginEntityID}); got != "entity_id" {
		t.Errorf("stream entity id: %s", got)
	}
	r := &rollupLayout{src: src, rollup: &domain.Rollup{Grain: "hour"}, time: &domain.Field{Name: "at", Type: domain.TypeTime}}
	if got := r.bucketExpr(); got != "toStartOfHour(assumeNotNull(at))" {
		t.Errorf("bucket %s", got)
	}
}

func TestConfig(t *testing.T) {
	d := Config{}.withDefaults()
	if d.Addr[0] != DefaultAddr || d.Database != DefaultDatabase || d.Username != DefaultUsername ||
		d.DialTimeout != DefaultDialTimeout || d.ReadTimeout != DefaultReadTimeout || d.MaxOpenConns != DefaultMaxOpenConns {
		t.Fatalf("defaults %+v", d)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("zero config: %v", err)
	}
	bad := Config{Addr: []string{"nohost"}, Database: "x; DROP", DialTimeout: -1, MaxOpenConns: -1}
	err := bad.Validate()
	for _, want := range []string{"nohost", "DROP", "timeouts", "max open conns"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want mention of %q", err, want)
		}
	}
	if _, err := Open(t.Context(), bad, analyticstest.Catalog(t)); err == nil {
		t.Error("Open accepted an invalid config")
	}
	if !isIdent("reports_1") || isIdent("1x") || isIdent("") || isIdent(strings.Repeat("a", 65)) {
		t.Error("isIdent")
	}
}
