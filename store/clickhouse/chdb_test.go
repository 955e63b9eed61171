//go:build chdb

// The modern-engine check: the DDL of schema/clickhouse and every SQL shape
// the adapter sends, run on chDB (in-process ClickHouse of the current
// release) through a small stand-in for Apply's steps. Behind a build tag
// because chdb-go loads libchdb.so in init() and panics without it:
//
//	npm install @chdb/lib-linux-x64-gnu   # into any directory
//	CHDB_LIB_PATH=$PWD/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so \
//	  go test -tags chdb -run TestModernEngine ./store/clickhouse/

package clickhouse

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chdb-io/chdb-go/chdb"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// chdbDB runs SQL text on a chDB session. chDB has no parameter binding or
// external tables, so the test binds literals itself and stages lookup keys
// in a Memory table named like the driver's external table.
type chdbDB struct {
	t *testing.T
	s *chdb.Session
}

func (d chdbDB) exec(q string, args ...any) string {
	d.t.Helper()
	res, err := d.s.Query(bind(q, args...), "TabSeparated")
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		d.t.Fatalf("chdb: %v\n%s", err, bind(q, args...))
	}
	defer res.Free()
	return res.String()
}

// rows runs q and splits its TabSeparated output.
func (d chdbDB) rows(q string, args ...any) [][]string {
	d.t.Helper()
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(d.exec(q, args...), "\n"), "\n") {
		if line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		for i, f := range fields {
			fields[i] = unescapeTSV(f)
		}
		out = append(out, fields)
	}
	return out
}

// keys stages (tenant, id) pairs as batch_keys.
func (d chdbDB) keys(second string, pairs [][2]string) {
	d.t.Helper()
	d.exec("DROP TABLE IF EXISTS batch_keys")
	d.exec("CREATE TABLE batch_keys (tenant_id String, " + second + " String) ENGINE = Memory")
	if len(pairs) == 0 {
		return
	}
	vals := make([]string, len(pairs))
	for i, p := range pairs {
		vals[i] = "(" + literal(p[0]) + ", " + literal(p[1]) + ")"
	}
	d.exec("INSERT INTO batch_keys VALUES " + strings.Join(vals, ", "))
}

func unescapeTSV(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r", `\0`, "\x00", `\'`, "'", `\b`, "\b", `\f`, "\f")
	return r.Replace(s)
}

// literal renders a Go value as a ClickHouse literal.
func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(x) + "'"
	case time.Time:
		return "'" + x.UTC().Format(time.DateTime) + "'"
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = literal(s)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "NULL"
		}
		return literal(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// bind replaces each ? with the next argument as a literal.
func bind(q string, args ...any) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(q, "?") {
		if strings.HasSuffix(part, "?") && len(args) > 0 {
			b.WriteString(strings.TrimSuffix(part, "?") + literal(args[0]))
			args = args[1:]
			continue
		}
		b.WriteString(part)
	}
	return b.String()
}

func TestModernEngine(t *testing.T) {
	s, err := chdb.NewSession(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := chdbDB{t: t, s: s}
	t.Logf("chDB runs ClickHouse %s", strings.TrimSpace(db.exec("SELECT version()")))
	db.exec("CREATE DATABASE IF NOT EXISTS reports")
	db.exec("USE reports")
	migs, err := readMigrations(schema.ClickHouseMigrations)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migs {
		for _, stmt := range m.statements {
			db.exec(stmt)
		}
	}
	l := testLayout(t)
	checkModernSchema(t, db, l)

	r := rand.New(rand.NewPCG(5, 8))
	recs := randomRecords(t, r, 500)
	ref := map[entityKey]*domain.Record{}
	for len(recs) > 0 {
		n := min(len(recs), 1+r.IntN(70))
		applyModern(t, db, l, recs[:n], ref)
		recs = recs[n:]
		if r.IntN(3) == 0 {
			for _, rl := range l.rollups() {
				db.exec("OPTIMIZE TABLE " + rl.table() + " FINAL")
			}
			db.exec("OPTIMIZE TABLE an_tickets FINAL")
		}
		for _, tenant := range []string{"t1", "t2"} {
			verifyModern(t, db, l, tenant)
		}
	}
	for _, tenant := range []string{"t1", "t2"} {
		totalsModern(t, db, l, tenant, ref)
	}
	otherShapes(t, db)
	t.Logf("an_ingest rows %s, rollup rows %s, analyzer %s",
		db.rows("SELECT count() FROM an_ingest")[0][0],
		db.rows("SELECT count() FROM an_rollup_tickets_daily")[0][0],
		db.rows("SELECT value FROM system.settings WHERE name IN ('enable_analyzer', 'allow_experimental_analyzer')")[0][0])
	// The insert's settings exist here too (an unknown setting fails the
	// insert on every release).
	for name, want := range ingestSettings {
		got := db.rows("SELECT value FROM system.settings WHERE name = '" + name + "'")
		if len(got) != 1 {
			t.Errorf("setting %s of the ingest insert is unknown to the modern engine", name)
			continue
		}
		db.exec(fmt.Sprintf("SET %s = %v", name, want))
	}
	// The comparison can fail: one stray rollup row is caught.
	db.exec(`INSERT INTO an_rollup_tickets_daily (tenant_id, bucket, status, row_count) VALUES ('t1', '2026-11-01 00:00:00', 'open', 1)`)
	tickets := l.rollups()[0]
	if err := tickets.compare(modernGroups(t, db, tickets, tickets.rawQuery(), "t1"), modernGroups(t, db, tickets, tickets.rollupQuery(), "t1")); err == nil {
		t.Fatal("a stray rollup row went unnoticed")
	}
}

func checkModernSchema(t *testing.T, db chdbDB, l *layout) {
	have := map[[2]string]string{}
	for _, row := range db.rows(`SELECT table, name, type FROM system.columns WHERE database = currentDatabase()`) {
		have[[2]string{row[0], row[1]}] = row[2]
	}
	for _, c := range l.expectedColumns() {
		if got := have[[2]string{c.table, c.name}]; got != c.typ {
			t.Errorf("%s.%s is %q on the modern engine, the adapter expects %q", c.table, c.name, got, c.typ)
		}
	}
	var tables []string
	for _, row := range db.rows(`SELECT name FROM system.tables WHERE database = currentDatabase()`) {
		tables = append(tables, row[0])
	}
	for _, v := range l.expectedViews() {
		if !slices.Contains(tables, v) {
			t.Errorf("view %s missing", v)
		}
	}
}

// applyModern does what Apply does, with the adapter's own SQL and planner.
func applyModern(t *testing.T, db chdbDB, l *layout, recs []*domain.Record, ref map[entityKey]*domain.Record) {
	var evKeys [][2]string
	bySource := map[string][][2]string{}
	for _, r := range recs {
		evKeys = append(evKeys, [2]string{r.Event.TenantID, r.Event.ID})
		bySource[r.Source.Name] = append(bySource[r.Source.Name], [2]string{r.Event.TenantID, r.Event.EntityID})
	}
	db.keys("event_id", evKeys)
	stored := map[eventKey]bool{}
	for _, row := range db.rows(storedEventsSQL) {
		stored[eventKey{row[0], row[1]}] = true
	}
	prev := map[entityKey]*state{}
	for _, sl := range l.order {
		db.keys("id", bySource[sl.src.Name])
		for _, row := range db.rows(sl.stateSQL()) {
			k, st := entityKey{row[0], sl.src.Name, row[1]}, parseState(t, sl, row)
			if have, ok := prev[k]; !ok || st.version > have.version {
				prev[k] = st
			}
		}
	}
	p, err := planBatch(l, recs, stored, prev)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		k := entityKey{r.Event.TenantID, r.Source.Name, r.Event.EntityID}
		if old, ok := ref[k]; !ok || domain.Supersedes(r.Event.Version, old.Event.Version) {
			ref[k] = r
		}
	}
	if len(p.rows) == 0 {
		return
	}
	cols := newColumns(l, p.rows, now).slices()
	tuples := make([]string, len(p.rows))
	for i := range p.rows {
		vals := make([]string, len(cols))
		for j, c := range cols {
			vals[j] = literal(reflect.ValueOf(c).Index(i).Interface())
		}
		tuples[i] = "(" + strings.Join(vals, ", ") + ")"
	}
	db.exec("INSERT INTO an_ingest (" + joinIdents(l.ingestColumns()) + ") VALUES " + strings.Join(tuples, ", "))
}

// parseState reads a stateSQL row back into domain values.
func parseState(t *testing.T, sl *sourceLayout, row []string) *state {
	v, err := strconv.ParseInt(row[2], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	s := &state{version: v, eventID: row[3], updatedAt: parseTime(t, row[4]), values: map[string]any{}}
	for i, f := range sl.fields {
		raw := row[5+i]
		if raw == `\N` {
			continue
		}
		switch f.Type {
		case domain.TypeInt, domain.TypeDecimal:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			s.values[f.Name] = n
		case domain.TypeBool:
			s.values[f.Name] = raw == "1"
		case domain.TypeTime:
			s.values[f.Name] = parseTime(t, raw)
		default:
			s.values[f.Name] = raw
		}
	}
	return s
}

func parseTime(t *testing.T, s string) time.Time {
	tm, err := time.ParseInLocation(time.DateTime, s, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// verifyModern runs VerifyRollups' queries and comparison.
func verifyModern(t *testing.T, db chdbDB, l *layout, tenant string) {
	t.Helper()
	for _, r := range l.rollups() {
		if err := r.compare(modernGroups(t, db, r, r.rawQuery(), tenant), modernGroups(t, db, r, r.rollupQuery(), tenant)); err != nil {
			t.Fatalf("modern engine: rollup %s: %v", r.rollup.Name, err)
		}
	}
	for _, c := range l.fanOutChecks() {
		if a, b := db.rows(c.logged, tenant)[0][0], db.rows(c.derived, tenant)[0][0]; a != b {
			t.Fatalf("modern engine: %s: logged %s, derived %s", c.what, a, b)
		}
	}
}

func modernGroups(t *testing.T, db chdbDB, r *rollupLayout, q, tenant string) map[string]group {
	out := map[string]group{}
	for _, row := range db.rows(q, tenant) {
		g := group{bucket: parseTime(t, row[0]), dims: row[1 : 1+len(r.dims)]}
		for _, v := range row[1+len(r.dims):] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			g.vals = append(g.vals, n)
		}
		if slices.ContainsFunc(g.vals, func(v int64) bool { return v != 0 }) {
			out[g.key()] = g
		}
	}
	return out
}

// totalsModern checks SourceTotals' queries against the reference.
func totalsModern(t *testing.T, db chdbDB, l *layout, tenant string, ref map[entityKey]*domain.Record) {
	for _, sl := range l.order {
		want := []int64{0}
		for range sl.measures {
			want = append(want, 0, 0)
		}
		for k, rec := range ref {
			if k.tenant != tenant || k.source != sl.src.Name {
				continue
			}
			want[0]++
			for i, m := range sl.measures {
				if v, ok := rec.Values[m.Name].(int64); ok {
					want[1+2*i] += v
					want[2+2*i]++
				}
			}
		}
		got := db.rows(sl.totalsSQL(), tenant)[0]
		if fmt.Sprint(got) != strings.Trim(fmt.Sprint(want), "") {
			t.Errorf("%s %s totals %v, want %v", tenant, sl.src.Name, got, want)
		}
	}
	if got := db.rows(eventTotalsSQL, tenant)[0][0]; got == "0" {
		t.Errorf("%s: no events", tenant)
	}
}

// otherShapes runs the remaining statements the adapter sends.
func otherShapes(t *testing.T, db chdbDB) {
	dls := deadLetterRows([]domain.DeadLetter{{ID: "dl-1", TenantID: "acme", Reason: "r", Payload: []byte("{'x'}"), ReceivedAt: now}})
	cols := newColumns(testLayout(t), dls, now).slices()
	vals := make([]string, len(cols))
	for j, c := range cols {
		vals[j] = literal(reflect.ValueOf(c).Index(0).Interface())
	}
	db.exec("INSERT INTO an_ingest (" + joinIdents(testLayout(t).ingestColumns()) + ") VALUES (" + strings.Join(vals, ", ") + ")")
	if got := db.rows(deadLettersSQL(true), []string{"acme", "other"}, "zzz", 10); len(got) != 1 || got[0][6] != "{'x'}" {
		t.Errorf("dead letters %v", got)
	}
	db.rows(runningSQL, "reports-ingest-%")
	db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version`)
	db.rows(`SELECT DISTINCT version FROM schema_migrations`)
}
