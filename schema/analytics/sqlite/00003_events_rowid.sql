-- The events table becomes a rowid table (it was WITHOUT ROWID, clustered
-- on (tenant_id, event_id)). Event ids are random (UUIDs from the modules),
-- so every insert landed a whole ~200-byte row at a random place in the
-- table's b-tree, splitting and rewriting pages all over it; in a rowid
-- table the row is appended at the end and only the narrow unique index on
-- (tenant_id, event_id), which still deduplicates replays (ON CONFLICT DO
-- NOTHING), takes the random insert. The time indexes point at rowids
-- instead of repeating the string key, so they shrink too. Columns, key and
-- indexes are otherwise unchanged.

-- +goose Up
CREATE TABLE an_events_new (
    tenant_id      TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    occurred_at    INTEGER NOT NULL,
    entity_id      TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    customer_id    TEXT,
    site_id        TEXT,
    team_id        TEXT,
    contract_id    TEXT,
    cost_center_id TEXT,
    ingested_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
INSERT INTO an_events_new SELECT tenant_id, event_id, source, type, occurred_at, entity_id, version,
    customer_id, site_id, team_id, contract_id, cost_center_id, ingested_at FROM an_events ORDER BY ingested_at;
DROP TABLE an_events;
ALTER TABLE an_events_new RENAME TO an_events;
CREATE INDEX an_events_time ON an_events (tenant_id, occurred_at);
CREATE INDEX an_events_source_time ON an_events (tenant_id, source, occurred_at);

-- +goose Down
CREATE TABLE an_events_old (
    tenant_id      TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    occurred_at    INTEGER NOT NULL,
    entity_id      TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    customer_id    TEXT,
    site_id        TEXT,
    team_id        TEXT,
    contract_id    TEXT,
    cost_center_id TEXT,
    ingested_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
) WITHOUT ROWID;
INSERT INTO an_events_old SELECT tenant_id, event_id, source, type, occurred_at, entity_id, version,
    customer_id, site_id, team_id, contract_id, cost_center_id, ingested_at FROM an_events;
DROP TABLE an_events;
ALTER TABLE an_events_old RENAME TO an_events;
CREATE INDEX an_events_time ON an_events (tenant_id, occurred_at);
CREATE INDEX an_events_source_time ON an_events (tenant_id, source, occurred_at);
