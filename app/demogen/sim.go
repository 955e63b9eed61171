package demogen

import (
	"container/heap"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"time"

	"github.com/conductor/reports/domain"
)

// PCG stream selectors: each concern draws from its own stream so that
// adding faults or shuffling never changes the world itself, and Live can
// replay the world without them.
const (
	streamWorld uint64 = 0x9e3779b97f4a7c15 + iota
	streamIDs
	streamFaults
	streamShuffle
	streamLive
)

// newRand returns the PCG stream sel of seed.
func newRand(seed int64, sel uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), sel))
}

// task is one future step of the simulation.
type task struct {
	at  time.Time
	seq uint64 // insertion order, so equal times run deterministically
	run func(at time.Time)
}

// taskQueue is a min-heap of tasks by (at, seq).
type taskQueue []task

func (q taskQueue) Len() int { return len(q) }
func (q taskQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q taskQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *taskQueue) Push(x any)   { *q = append(*q, x.(task)) }
func (q *taskQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = task{}
	*q = old[:len(old)-1]
	return t
}

// entity is what every simulated entity shares: its identity and the
// version and time of its last emitted snapshot.
type entity struct {
	source, id string
	version    int64
	last       time.Time
}

// snapshot is an entity that can write its full current state as the
// event's data object.
type snapshot interface {
	base() *entity
	encode(o *jsonObj)
}

func (e *entity) base() *entity { return e }

// sim is the simulated world: the organisation, the entities in flight
// and the queue of their next steps.
type sim struct {
	cfg   Config
	org   orgModel
	rng   *rand.Rand // world decisions
	ids   *rand.Rand // event ids
	queue taskQueue
	seq   uint64
	start time.Time // the history window is [start, cfg.Now]

	record  bool           // build events (false while Live replays history)
	out     []domain.Event // emitted events, in emission (= time) order
	raw     [][]byte       // their envelopes (Data points into them)
	emitted int64          // events emitted, recorded or not
	keep    bool           // keep every entity and envelope (Generate)

	// Sequences behind entity ids (T-000001, SLA-000001, WO-000001,
	// EXP-000001, AST-0001), in creation order.
	ticketSeq, slaSeq, woSeq, expenseSeq, assetSeq int

	sitesAssets map[string][]*asset
	arrivals    arrivalRates
	// Every entity, when keep is set.
	tickets    []*ticket
	slas       []*sla
	workOrders []*workOrder
	expenses   []*expense
}

func newSim(cfg Config, record, keep bool) *sim {
	return &sim{
		cfg: cfg, org: newOrgModel(cfg.Org),
		rng: newRand(cfg.Seed, streamWorld), ids: newRand(cfg.Seed, streamIDs),
		record: record, keep: keep, sitesAssets: map[string][]*asset{},
	}
}

// schedule runs fn at t.
func (s *sim) schedule(t time.Time, fn func(at time.Time)) {
	s.seq++
	heap.Push(&s.queue, task{at: t, seq: s.seq, run: fn})
}

// runUntil runs every task due at or before end, in time order.
func (s *sim) runUntil(end time.Time) {
	for len(s.queue) > 0 && !s.queue[0].at.After(end) {
		t := heap.Pop(&s.queue).(task)
		t.run(t.at)
	}
}

// emit publishes x's current state as a new version of type typ at at.
func (s *sim) emit(x snapshot, typ string, at time.Time) {
	e := x.base()
	e.version++
	e.last = at
	s.emitted++
	id := s.newID(at)
	if !s.record {
		return
	}
	ev := domain.Event{
		ID: id, TenantID: s.cfg.Tenant, Source: e.source, Type: typ,
		OccurredAt: at, EntityID: e.id, Version: e.version,
	}
	// One buffer holds the envelope; Data is its data member, capped so
	// that appending to it cannot overwrite the envelope's end.
	o := jsonObj{b: appendEnvelopeHead(make([]byte, 0, 640), &ev)}
	start := len(o.b)
	o.open()
	x.encode(&o)
	o.close()
	ev.Data = o.b[start:len(o.b):len(o.b)]
	s.out = append(s.out, ev)
	if s.keep {
		s.raw = append(s.raw, append(o.b, '}'))
	}
}

// newID draws the id of an event that occurred at at from the id stream.
func (s *sim) newID(at time.Time) string { return uuidFrom(s.ids, at) }

// uuidFrom makes a UUID version 7 (RFC 9562): the first 48 bits are at's
// Unix milliseconds, the remaining 74 free bits come from r. Ids that grow
// with time are what the envelope schema (schema/events) recommends to
// producers: the stores find a
// batch's ids among the newest keys of their (tenant_id, event_id) indexes
// instead of all over them (see store/clickhouse/lookup.go).
func uuidFrom(r *rand.Rand, at time.Time) string {
	var u [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		u[i], u[8+i] = byte(hi>>(56-8*i)), byte(lo>>(56-8*i))
	}
	ms := uint64(at.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	hex.Encode(b[9:13], u[4:6])
	hex.Encode(b[14:18], u[6:8])
	hex.Encode(b[19:23], u[8:10])
	hex.Encode(b[24:], u[10:])
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	return string(b[:])
}

// Sampling helpers.

// chance reports true with probability p.
func (s *sim) chance(p float64) bool { return s.rng.Float64() < p }

// between returns a duration uniform in [lo, hi), whole seconds.
func (s *sim) between(lo, hi time.Duration) time.Duration {
	sec := int64(lo / time.Second)
	if span := int64((hi - lo) / time.Second); span > 0 {
		sec += s.rng.Int64N(span)
	}
	return time.Duration(sec) * time.Second
}

// lognormal returns a value whose median is median and whose log has
// standard deviation sigma: the usual shape of durations and amounts.
func (s *sim) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*s.rng.NormFloat64())
}

// minutes returns a whole-second duration of about m minutes, at least one.
func minutes(m float64) time.Duration {
	return max(time.Duration(math.Round(m*60))*time.Second, time.Minute)
}

// pick returns an index with probability proportional to weights.
func (s *sim) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := s.rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// poisson draws a Poisson count of mean lambda (normal approximation for
// large means, where the exact method would be slow).
func (s *sim) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*s.rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= s.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// wholeMinutes is d in whole minutes, for the *_minutes measures.
func wholeMinutes(d time.Duration) int64 { return int64(d / time.Minute) }

// optInt is a nullable integer measure.
type optInt struct {
	v  int64
	ok bool
}

func some(v int64) optInt { return optInt{v: v, ok: true} }
