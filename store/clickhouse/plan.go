package clickhouse

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// eventKey identifies an event: ids are unique within a tenant only.
type eventKey struct{ tenant, id string }

// entityKey identifies an entity: ids are unique within a tenant's source.
type entityKey struct{ tenant, source, id string }

// state is one version of an entity as its +1 row holds it.
type state struct {
	version   int64
	eventID   string
	updatedAt time.Time
	values    map[string]any // data fields in domain types; absent = null, other keys ignored
}

// row is one row of a batch's insert into an_ingest.
type row struct {
	kind       uint8
	tenant     string
	eventID    string
	source     string
	typ        string
	occurredAt time.Time
	entityID   string
	version    int64
	sign       int8
	values     map[string]any
	dl         *domain.DeadLetter
}

// plan is what one batch writes and reports.
type plan struct {
	rows   []row
	result app.ApplyResult
}

// touched follows one entity through a batch: the state stored before it
// (nil for a new entity) and the latest state the batch gives it.
type touched struct {
	key    entityKey
	before *state
	after  *state
	typ    string // type of the event that set after
}

// planBatch turns records into an_ingest rows, given which events are
// already stored and each touched entity's stored state. It is pure, so the
// semantics of app.Analytics are testable without a server:
//   - an event already stored, or earlier in the batch, is a duplicate;
//   - every other event is a row of the events stream;
//   - it changes its entity only with a newer version than the current one
//     (stored, or set earlier in the batch), else it is stale;
//   - each changed entity gets one -1 row (its stored state, exactly as
//     stored, so the rollups subtract what they once added) and one +1 row
//     (its final state in the batch): intermediate versions net to zero.
func planBatch(l *layout, recs []*domain.Record, stored map[eventKey]bool, prev map[entityKey]*state) (plan, error) {
	// Sized up front: a batch holds up to MaxIngestBatch events, and growing
	// these by appending was a tenth of the bytes the cluster path allocated.
	p := plan{rows: make([]row, 0, len(recs))}
	notices := newNoticeSet()
	seen := make(map[eventKey]bool, len(recs))
	current := make(map[entityKey]*touched, len(recs))
	order := make([]*touched, 0, len(recs))
	for _, rec := range recs {
		ev := rec.Event
		sl, ok := l.sources[rec.Source.Name]
		if !ok {
			return plan{}, fmt.Errorf("event %s: %s is not an entity source of the catalogue", ev.ID, rec.Source.Name)
		}
		ek := eventKey{ev.TenantID, ev.ID}
		if stored[ek] || seen[ek] {
			p.result.Duplicates++
			continue
		}
		seen[ek] = true
		p.result.Inserted++
		p.rows = append(p.rows, row{kind: kindEvent, tenant: ev.TenantID, eventID: ev.ID, source: sl.src.Name,
			typ: ev.Type, occurredAt: ev.OccurredAt, entityID: ev.EntityID, version: ev.Version, values: rec.Values})
		notices.add(ev.TenantID, l.streamName(), ev.OccurredAt)

		key := entityKey{ev.TenantID, sl.src.Name, ev.EntityID}
		t := current[key]
		if t == nil {
			t = &touched{key: key, before: prev[key]}
			t.after = t.before
		}
		if t.after != nil && !domain.Supersedes(ev.Version, t.after.version) {
			p.result.Stale++
			continue
		}
		if current[key] == nil {
			current[key] = t
			order = append(order, t)
		}
		if t.after != nil {
			notices.add(ev.TenantID, sl.src.Name, timeValue(sl, t.after.values))
		}
		t.after = &state{version: ev.Version, eventID: ev.ID, updatedAt: ev.OccurredAt, values: rec.Values}
		t.typ = ev.Type
		notices.add(ev.TenantID, sl.src.Name, timeValue(sl, t.after.values))
	}
	p.rows = slices.Grow(p.rows, 2*len(order)) // at most a -1 and a +1 row each
	for _, t := range order {
		if t.before != nil {
			p.rows = append(p.rows, entityRow(t, t.before, -1))
		}
		p.rows = append(p.rows, entityRow(t, t.after, +1))
	}
	p.result.Notices = notices.list()
	return p, nil
}

// entityRow is the ±1 row of one state. Both rows name the event that made
// the change, so the log explains every row.
func entityRow(t *touched, s *state, sign int8) row {
	return row{kind: kindEntity, tenant: t.key.tenant, eventID: t.after.eventID, source: t.key.source, typ: t.typ,
		occurredAt: s.updatedAt, entityID: t.key.id, version: s.version, sign: sign, values: s.values}
}

// timeValue is a state's value of its source's time field, which the
// catalogue makes required; the zero time if a caller broke that.
func timeValue(sl *sourceLayout, v map[string]any) time.Time {
	t, _ := v[sl.src.TimeField].(time.Time)
	return t
}

// deadLetterRows turns dead letters into an_ingest rows.
func deadLetterRows(dls []domain.DeadLetter) []row {
	rows := make([]row, 0, len(dls))
	for i := range dls {
		dl := &dls[i]
		if dl.ID == "" {
			// an_dead_letters keeps one row per id: an empty one would
			// merge every id-less dead letter into one.
			dl.ID = uuid.Must(uuid.NewV7()).String()
		}
		rows = append(rows, row{kind: kindDeadLetter, tenant: dl.TenantID, eventID: dl.EventID, source: dl.Source,
			occurredAt: dl.ReceivedAt, dl: dl})
	}
	return rows
}

// streamName is the events source's name.
func (l *layout) streamName() string {
	if l.stream != nil {
		return l.stream.Name
	}
	return "events"
}

// noticeSet merges change notices per tenant and source.
type noticeSet map[[2]string]*app.ChangeNotice

func newNoticeSet() noticeSet { return noticeSet{} }

func (n noticeSet) add(tenant, source string, t time.Time) {
	k := [2]string{tenant, source}
	c := n[k]
	if c == nil {
		n[k] = &app.ChangeNotice{TenantID: tenant, Source: source, From: t, To: t}
		return
	}
	if t.Before(c.From) {
		c.From = t
	}
	if t.After(c.To) {
		c.To = t
	}
}

// list returns the notices sorted by tenant and source, so results are
// deterministic.
func (n noticeSet) list() []app.ChangeNotice {
	out := make([]app.ChangeNotice, 0, len(n))
	for _, c := range n {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b app.ChangeNotice) int {
		return cmp.Or(cmp.Compare(a.TenantID, b.TenantID), cmp.Compare(a.Source, b.Source))
	})
	return out
}
