-- Analytics tables of the embedded (SQLite) store. Times are INTEGER Unix
-- milliseconds (UTC); decimals are INTEGER units of 10^-scale (cents), so sums
-- are exact; booleans are 0/1. Rollups keep '' for a null dimension (a NULL
-- would never match its own upsert key) and are maintained in the ingest
-- transaction, so they always equal the aggregation of the raw tables.
-- Column lists follow schema/catalog/catalog.json; a test checks they agree.

-- +goose Up
CREATE TABLE an_events (
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
CREATE INDEX an_events_time ON an_events (tenant_id, occurred_at);
CREATE INDEX an_events_source_time ON an_events (tenant_id, source, occurred_at);

CREATE TABLE an_tickets (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    status TEXT,
    priority TEXT,
    category TEXT,
    subcategory TEXT,
    customer_id TEXT,
    site_id TEXT,
    team_id TEXT,
    contract_id TEXT,
    cost_center_id TEXT,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    first_response_minutes INTEGER,
    resolution_minutes INTEGER,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX an_tickets_time ON an_tickets (tenant_id, created_at);
CREATE INDEX an_tickets_status ON an_tickets (tenant_id, status);
CREATE INDEX an_tickets_customer_id ON an_tickets (tenant_id, customer_id);
CREATE INDEX an_tickets_site_id ON an_tickets (tenant_id, site_id);

CREATE TABLE an_slas (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    ticket_id TEXT,
    policy TEXT,
    target_minutes INTEGER,
    elapsed_minutes INTEGER,
    breached INTEGER,
    started_at INTEGER NOT NULL,
    breached_at INTEGER,
    customer_id TEXT,
    site_id TEXT,
    team_id TEXT,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX an_slas_time ON an_slas (tenant_id, started_at);
CREATE INDEX an_slas_customer_id ON an_slas (tenant_id, customer_id);
CREATE INDEX an_slas_site_id ON an_slas (tenant_id, site_id);

CREATE TABLE an_maintenance (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    asset_id TEXT,
    site_id TEXT,
    customer_id TEXT,
    kind TEXT,
    status TEXT,
    scheduled_for INTEGER NOT NULL,
    completed_at INTEGER,
    cost INTEGER,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX an_maintenance_time ON an_maintenance (tenant_id, scheduled_for);
CREATE INDEX an_maintenance_site_id ON an_maintenance (tenant_id, site_id);
CREATE INDEX an_maintenance_customer_id ON an_maintenance (tenant_id, customer_id);
CREATE INDEX an_maintenance_status ON an_maintenance (tenant_id, status);

CREATE TABLE an_expenses (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    cost_center_id TEXT,
    customer_id TEXT,
    site_id TEXT,
    category TEXT,
    amount INTEGER,
    currency TEXT,
    status TEXT,
    spent_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX an_expenses_time ON an_expenses (tenant_id, spent_at);
CREATE INDEX an_expenses_customer_id ON an_expenses (tenant_id, customer_id);
CREATE INDEX an_expenses_site_id ON an_expenses (tenant_id, site_id);
CREATE INDEX an_expenses_status ON an_expenses (tenant_id, status);

CREATE TABLE an_rollup_tickets_daily (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    contract_id TEXT NOT NULL DEFAULT '',
    cost_center_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    first_response_minutes_sum INTEGER NOT NULL,
    first_response_minutes_count INTEGER NOT NULL,
    resolution_minutes_sum INTEGER NOT NULL,
    resolution_minutes_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, status, priority, category, customer_id, site_id, team_id, contract_id, cost_center_id)
) WITHOUT ROWID;

CREATE TABLE an_rollup_slas_daily (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    policy TEXT NOT NULL DEFAULT '',
    breached TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    target_minutes_sum INTEGER NOT NULL,
    target_minutes_count INTEGER NOT NULL,
    elapsed_minutes_sum INTEGER NOT NULL,
    elapsed_minutes_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, policy, breached, customer_id, site_id, team_id)
) WITHOUT ROWID;

CREATE TABLE an_rollup_maintenance_daily (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    cost_sum INTEGER NOT NULL,
    cost_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, kind, status, customer_id, site_id)
) WITHOUT ROWID;

CREATE TABLE an_rollup_expenses_daily (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    cost_center_id TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    amount_sum INTEGER NOT NULL,
    amount_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, category, status, currency, cost_center_id, customer_id, site_id)
) WITHOUT ROWID;

CREATE TABLE an_rollup_events_hourly (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    contract_id TEXT NOT NULL DEFAULT '',
    cost_center_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, source, type, customer_id, site_id, team_id, contract_id, cost_center_id)
) WITHOUT ROWID;

CREATE TABLE an_dead_letters (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_key  TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    field       TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX an_dead_letters_tenant ON an_dead_letters (tenant_key, id);

-- +goose Down
DROP TABLE an_dead_letters;
DROP TABLE an_rollup_tickets_daily;
DROP TABLE an_rollup_slas_daily;
DROP TABLE an_rollup_maintenance_daily;
DROP TABLE an_rollup_expenses_daily;
DROP TABLE an_rollup_events_hourly;
DROP TABLE an_tickets;
DROP TABLE an_slas;
DROP TABLE an_maintenance;
DROP TABLE an_expenses;
DROP TABLE an_events;
