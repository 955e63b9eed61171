package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/conductor/reports/domain"
)

// TenantLookup resolves the tenant an event names: its slug (what other
// modules send) or its internal id.
type TenantLookup interface {
	GetTenant(ctx context.Context, id string) (*domain.Tenant, error)
	GetTenantBySlug(ctx context.Context, slug string) (*domain.Tenant, error)
}

// IngestConfig tunes ingest; zero values take the defaults.
type IngestConfig struct {
	Bounds domain.TimeBounds
	// MaxEventsPerRequest bounds one POST /api/events (default 10,000).
	MaxEventsPerRequest int
}

// Ingest validates events, stores them through the analytics port and
// announces what changed. HTTP submissions go through the stream first
// (Submit); the consumer actor applies stream batches (ApplyMessages).
type Ingest struct {
	cat       *domain.Catalog
	tenants   TenantLookup
	meta      MetaStore // audit rows of submissions
	analytics Analytics
	publisher EventPublisher
	notify    func([]ChangeNotice)
	now       Clock
	log       *slog.Logger
	cfg       IngestConfig

	mu    sync.RWMutex
	cache map[string]string // slug or id -> tenant id
}

// NewIngest builds the ingest use case. meta resolves tenants and takes
// the audit row of each submission; notify receives the change notices of
// every applied batch (nil: none).
func NewIngest(cat *domain.Catalog, meta MetaStore, analytics Analytics, publisher EventPublisher,
	notify func([]ChangeNotice), now Clock, log *slog.Logger, cfg IngestConfig) *Ingest {
	if cfg.MaxEventsPerRequest <= 0 {
		cfg.MaxEventsPerRequest = 10_000
	}
	if notify == nil {
		notify = func([]ChangeNotice) {}
	}
	return &Ingest{cat: cat, tenants: meta, meta: meta, analytics: analytics, publisher: publisher, notify: notify,
		now: now, log: log, cfg: cfg, cache: map[string]string{}}
}

// Catalog returns the source catalogue.
func (s *Ingest) Catalog() *domain.Catalog { return s.cat }

// resolveTenant maps a slug or id to the tenant id; unknown tenants are
// invalid events. Known tenants are cached (tenants are never deleted).
func (s *Ingest) resolveTenant(ctx context.Context, key string) (string, error) {
	s.mu.RLock()
	id, ok := s.cache[key]
	s.mu.RUnlock()
	if ok {
		return id, nil
	}
	t, err := s.tenants.GetTenantBySlug(ctx, key)
	if domain.IsCode(err, domain.CodeNotFound) {
		t, err = s.tenants.GetTenant(ctx, key)
	}
	if domain.IsCode(err, domain.CodeNotFound) {
		return "", domain.Invalid("tenant_id", "unknown tenant %q", key)
	}
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.cache[key] = t.ID
	s.mu.Unlock()
	return t.ID, nil
}

// decode parses, resolves and validates one envelope. A refused event
// returns its typed error and, when it parsed, the event (for the dead
// letter); other errors (the store is down) are returned as err.
func (s *Ingest) decode(ctx context.Context, raw []byte) (rec *domain.Record, ev *domain.Event, refusal, err error) {
	ev, data, perr := domain.DecodeEvent(raw)
	if perr != nil {
		return nil, ev, perr, nil
	}
	tenantID, terr := s.resolveTenant(ctx, ev.TenantID)
	if terr != nil {
		if domain.IsCode(terr, domain.CodeInvalid) {
			return nil, ev, terr, nil
		}
		return nil, ev, nil, terr
	}
	claimed := *ev
	claimed.TenantID = tenantID
	rec, nerr := s.cat.NormalizeData(&claimed, data, s.now(), s.cfg.Bounds)
	if nerr != nil {
		return nil, &claimed, nerr, nil
	}
	return rec, &claimed, nil, nil
}

// ApplyMessages validates a consumed batch and applies it. Refused events
// become dead letters whose id derives from the message position, so a
// redelivered batch stores each dead letter once.
func (s *Ingest) ApplyMessages(ctx context.Context, msgs []ConsumedMessage) (ApplyResult, error) {
	batch, err := s.PrepareMessages(ctx, msgs)
	if err != nil {
		return ApplyResult{}, err
	}
	return s.ApplyPrepared(ctx, batch)
}

// PreparedBatch is a consumed batch decoded and validated, ready for
// ApplyPrepared: the first half of ApplyMessages. It writes nothing, so the
// ingest actor prepares the next batch while the store applies this one.
type PreparedBatch struct {
	batch IngestBatch
	size  int // messages consumed
}

// PrepareMessages parses, resolves and validates msgs without writing
// anything; refused events become dead letters of the batch. Its only error
// is a failed tenant lookup (the metadata store is down): retry the batch.
// It is safe to call while another batch is being applied.
func (s *Ingest) PrepareMessages(ctx context.Context, msgs []ConsumedMessage) (*PreparedBatch, error) {
	now := s.now()
	batch := IngestBatch{IngestedAt: now, Records: make([]*domain.Record, 0, len(msgs))}
	for _, m := range msgs {
		rec, ev, refusal, err := s.decode(ctx, m.Value)
		if err != nil {
			return nil, err
		}
		if refusal != nil {
			id := fmt.Sprintf("dl-%s-%d-%020d", m.Topic, m.Partition, m.Offset)
			dl := domain.NewDeadLetter(id, m.Value, ev, refusal, now)
			if dl.TenantID == "" && len(m.Key) > 0 {
				// The payload names no tenant (or is not JSON): file it under
				// the tenant the producer keyed the message with.
				dl.TenantID = string(m.Key)
				if tid, err := s.resolveTenant(ctx, dl.TenantID); err == nil {
					dl.TenantID = tid
				}
			}
			batch.DeadLetters = append(batch.DeadLetters, dl)
			continue
		}
		batch.Records = append(batch.Records, rec)
	}
	// The ingest actor prepares a batch while the one before it is being
	// written: a store that can reads ahead for it meanwhile.
	if pf, ok := s.analytics.(LookupPrefetcher); ok {
		batch.Prefetched = pf.Prefetch(ctx, batch)
	}
	return &PreparedBatch{batch: batch, size: len(msgs)}, nil
}

// ApplyPrepared writes a prepared batch through the analytics port (durable
// when it returns nil) and announces what changed. On error nothing may be
// assumed written; applying the same batch again is safe.
func (s *Ingest) ApplyPrepared(ctx context.Context, p *PreparedBatch) (ApplyResult, error) {
	res, err := s.analytics.Apply(ctx, p.batch)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply batch of %d: %w", p.size, err)
	}
	if len(p.batch.DeadLetters) > 0 {
		s.log.WarnContext(ctx, "events refused", "count", len(p.batch.DeadLetters), "first_reason", p.batch.DeadLetters[0].Reason)
	}
	s.notify(res.Notices)
	return res, nil
}

// Rejection is one refused envelope of a submission.
type Rejection struct {
	Index  int    `json:"index"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// SubmitResult is the answer to POST /api/events.
type SubmitResult struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
}

// Submit validates a body of envelopes (one object, a JSON array, or
// NDJSON) sent by p and puts the valid ones on the stream. p must be a
// module key of the events' tenant allowed their source, or an admin of
// that tenant. Refused envelopes are answered and kept as dead letters;
// nothing is stored when the stream refuses the batch (the caller retries).
func (s *Ingest) Submit(ctx context.Context, p domain.Principal, body []byte) (SubmitResult, error) {
	res := SubmitResult{Rejected: []Rejection{}}
	if p.Kind != domain.PrincipalModule && !p.IsAdmin() {
		return res, domain.Forbidden("ingest needs a module API key or an administrator")
	}
	raws, err := splitEnvelopes(body, s.cfg.MaxEventsPerRequest)
	if err != nil {
		return res, err
	}
	now := s.now()
	var msgs []StreamMessage
	var dead []domain.DeadLetter
	for i, raw := range raws {
		rec, ev, refusal, err := s.decode(ctx, raw)
		if err != nil {
			return res, err
		}
		if refusal == nil {
			refusal = allowedFor(p, rec)
		}
		if refusal != nil {
			id := ""
			if ev != nil {
				id = ev.ID
			}
			dl := domain.NewDeadLetter(NewID(), raw, ev, refusal, now)
			dl.TenantID = p.TenantID // the submitter's tenant sees its own refusals
			dead = append(dead, dl)
			res.Rejected = append(res.Rejected, Rejection{Index: i, ID: id, Reason: dl.Reason})
			continue
		}
		msgs = append(msgs, StreamMessage{Key: []byte(rec.Event.TenantID), Value: raw})
	}
	if len(msgs) > 0 {
		if err := s.publisher.Publish(ctx, msgs); err != nil {
			return SubmitResult{Rejected: []Rejection{}}, fmt.Errorf("publish %d events: %w", len(msgs), err)
		}
	}
	res.Accepted = len(msgs)
	if len(dead) > 0 {
		if _, err := s.analytics.Apply(ctx, IngestBatch{DeadLetters: dead, IngestedAt: now}); err != nil {
			return res, fmt.Errorf("store %d dead letters: %w", len(dead), err)
		}
	}
	// One audit row per submission (not per event). It cannot share a
	// transaction with the stream: when it fails the caller gets an error
	// and retries, and event ids make the retry harmless.
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "events.submit", ObjectType: "api_key", ObjectID: p.APIKeyID,
		After: map[string]int{"accepted": res.Accepted, "rejected": len(res.Rejected)}}
	if p.Kind != domain.PrincipalModule {
		change.ObjectType, change.ObjectID = "user", p.UserID
	}
	if err := audited(ctx, s.meta, now, change, func(MetaTx) error { return nil }); err != nil {
		return res, err
	}
	return res, nil
}

// allowedFor refuses events of another tenant than p's, and sources a
// module key was not given.
func allowedFor(p domain.Principal, rec *domain.Record) error {
	if rec.Event.TenantID != p.TenantID {
		return domain.Invalid("tenant_id", "this credential cannot ingest for tenant %q", rec.Event.TenantID)
	}
	if p.Kind == domain.PrincipalModule && len(p.Sources) > 0 && !slices.Contains(p.Sources, rec.Source.Name) {
		return domain.Invalid("source", "this API key cannot ingest source %q", rec.Source.Name)
	}
	return nil
}

// splitEnvelopes cuts a body into envelopes: a JSON array of objects,
// NDJSON (one object per line), or a single object.
func splitEnvelopes(body []byte, maxEvents int) ([][]byte, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, domain.Invalid("body", "no events")
	}
	var out [][]byte
	if trimmed[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(trimmed, &arr); err != nil {
			return nil, domain.Invalid("body", "malformed JSON array of events")
		}
		for _, r := range arr {
			out = append(out, []byte(r))
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(make([]byte, 0, 64<<10), domain.MaxEventBytes+1024)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				out = append(out, slices.Clone(line))
			}
		}
		if err := sc.Err(); err != nil {
			return nil, domain.Invalid("body", "an NDJSON line exceeds %d bytes", domain.MaxEventBytes)
		}
		// A pretty-printed single object spans lines: take it whole.
		if len(out) > 1 && !json.Valid(out[0]) && json.Valid(trimmed) {
			out = [][]byte{trimmed}
		}
	}
	if len(out) == 0 {
		return nil, domain.Invalid("body", "no events")
	}
	if len(out) > maxEvents {
		return nil, domain.Invalid("body", "at most %d events per request", maxEvents)
	}
	return out, nil
}

// DeadLetters pages p's tenant's refused events (admins only). Refused
// events are filed under the tenant they named, by slug or id.
func (s *Ingest) DeadLetters(ctx context.Context, p domain.Principal, cursor string, limit int) ([]domain.DeadLetter, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	t, err := s.tenants.GetTenant(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	return s.analytics.ListDeadLetters(ctx, []string{t.ID, t.Slug}, cursor, limit)
}
