package queryref

import (
	"github.com/conductor/reports/domain"
)

// Row is one source row: field name to typed value (string, int64, bool,
// time.Time in UTC); an absent key is NULL.
type Row map[string]any

// Dataset is the rows of every source of every tenant, as the analytics
// stores would hold them after ingesting the same records.
type Dataset struct {
	cat  *domain.Catalog
	rows map[string]map[string][]Row // tenant -> source -> rows
}

// entityRef locates an entity's current row.
type entityRef struct {
	index   int
	version int64
}

// NewDataset applies the stores' semantics to recs, in order: duplicate
// events (same tenant and event id) are dropped; an entity's row is its
// highest version, the first event seen winning ties. Records whose source
// is not an entity source of cat are ignored.
func NewDataset(cat *domain.Catalog, recs []*domain.Record) *Dataset {
	ds := &Dataset{cat: cat, rows: map[string]map[string][]Row{}}
	seen := map[[2]string]bool{}
	entities := map[[3]string]entityRef{}
	for _, rec := range recs {
		if rec == nil || rec.Event == nil || rec.Source == nil {
			continue
		}
		src, ok := cat.Source(rec.Source.Name)
		if !ok || src.Kind != domain.SourceEntity {
			continue
		}
		ev := rec.Event
		if key := [2]string{ev.TenantID, ev.ID}; seen[key] {
			continue
		} else {
			seen[key] = true
		}
		for i := range cat.Sources {
			if s := &cat.Sources[i]; s.Kind == domain.SourceStream {
				ds.add(ev.TenantID, s.Name, rowOf(s, rec))
			}
		}
		key := [3]string{ev.TenantID, src.Name, ev.EntityID}
		ref, exists := entities[key]
		switch {
		case !exists:
			entities[key] = entityRef{index: ds.add(ev.TenantID, src.Name, rowOf(src, rec)), version: ev.Version}
		case domain.Supersedes(ev.Version, ref.version):
			ds.rows[ev.TenantID][src.Name][ref.index] = rowOf(src, rec)
			entities[key] = entityRef{index: ref.index, version: ev.Version}
		}
	}
	return ds
}

// add appends a row and returns its index.
func (ds *Dataset) add(tenant, source string, r Row) int {
	bySource, ok := ds.rows[tenant]
	if !ok {
		bySource = map[string][]Row{}
		ds.rows[tenant] = bySource
	}
	bySource[source] = append(bySource[source], r)
	return len(bySource[source]) - 1
}

// Rows returns the rows of a tenant's source; callers must not modify them.
func (ds *Dataset) Rows(tenantID, source string) []Row {
	return ds.rows[tenantID][source]
}

// rowOf projects a record onto the fields of src, reading each field from
// where its origin says the event carries it.
func rowOf(src *domain.Source, rec *domain.Record) Row {
	r := Row{}
	ev := rec.Event
	for _, f := range src.Fields {
		var v any
		switch f.Origin {
		case domain.OriginSource:
			v = rec.Source.Name
		case domain.OriginType:
			v = ev.Type
		case domain.OriginOccurredAt:
			v = ev.OccurredAt.UTC()
		case domain.OriginEntityID:
			v = ev.EntityID
		default:
			v = rec.Values[f.Name]
		}
		if v != nil {
			r[f.Name] = v
		}
	}
	return r
}
