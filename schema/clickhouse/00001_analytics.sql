-- Analytics tables of the cluster (ClickHouse) store. Runs on ClickHouse 18.16
-- (Debian's package, used by the tests) and on current releases: no
-- DateTime64, Map, LowCardinality or JSON functions; every statement is
-- idempotent (IF NOT EXISTS) because ClickHouse has no transactional DDL and
-- a migration interrupted half-way is simply run again.
--
-- One batch is ONE insert into an_ingest; everything else is a materialized
-- view of it (see store/clickhouse/doc.go for the idempotency argument):
--
--   an_ingest --mv_events--------------> an_events (the raw stream)
--             --mv_rollup_events_hourly-> an_rollup_events_hourly
--             --mv_<source>-------------> an_<source> (entity state, +1 rows)
--             --mv_rollup_<rollup>------> an_rollup_<rollup> (+1 and -1 rows)
--             --mv_dead_letters---------> an_dead_letters
--
-- Types follow schema/catalog/catalog.json (Migrate checks they agree):
-- strings String, ints and decimals Int64 (decimals in units of 10^-scale),
-- bools UInt8, times DateTime('UTC') (second precision), optional fields
-- Nullable. Materialized views on 18.16 do not convert types, so every view
-- selects exactly its target's types (assumeNotNull, toInt64). Rollups keep
-- '' for a null dimension ('true'/'false'/'' for a bool one) because sorting
-- keys cannot be Nullable.

-- The ingest log: one row per new event (row_kind 1), per entity state change
-- (row_kind 2: sign -1 retracts the previous state, +1 adds the new one) and
-- per dead letter (row_kind 3). One batch shares ingested_at, so its insert
-- is one block in one partition: one part, written atomically. Sorted by
-- (tenant_id, event_id) because Apply looks up a batch's event ids here to
-- deduplicate replays; it is also the log every other table can be rebuilt
-- from.
CREATE TABLE IF NOT EXISTS an_ingest (
    row_kind               UInt8,
    tenant_id              String,
    event_id               String,
    source                 String,
    type                   String,
    occurred_at            DateTime('UTC'),
    entity_id              String,
    version                Int64,
    sign                   Int8,
    ingested_at            DateTime('UTC'),
    status                 Nullable(String),
    priority               Nullable(String),
    category               Nullable(String),
    subcategory            Nullable(String),
    customer_id            Nullable(String),
    site_id                Nullable(String),
    team_id                Nullable(String),
    contract_id            Nullable(String),
    cost_center_id         Nullable(String),
    created_at             Nullable(DateTime('UTC')),
    resolved_at            Nullable(DateTime('UTC')),
    first_response_minutes Nullable(Int64),
    resolution_minutes     Nullable(Int64),
    ticket_id              Nullable(String),
    policy                 Nullable(String),
    target_minutes         Nullable(Int64),
    elapsed_minutes        Nullable(Int64),
    breached               Nullable(UInt8),
    started_at             Nullable(DateTime('UTC')),
    breached_at            Nullable(DateTime('UTC')),
    asset_id               Nullable(String),
    kind                   Nullable(String),
    scheduled_for          Nullable(DateTime('UTC')),
    completed_at           Nullable(DateTime('UTC')),
    cost                   Nullable(Int64),
    amount                 Nullable(Int64),
    currency               Nullable(String),
    spent_at               Nullable(DateTime('UTC')),
    dl_id                  String,
    dl_reason              String,
    dl_field               String,
    dl_payload             String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ingested_at)
ORDER BY (tenant_id, event_id);

-- The events source: every new event, stale versions included.
CREATE TABLE IF NOT EXISTS an_events (
    tenant_id      String,
    event_id       String,
    source         String,
    type           String,
    occurred_at    DateTime('UTC'),
    entity_id      String,
    version        Int64,
    customer_id    Nullable(String),
    site_id        Nullable(String),
    team_id        Nullable(String),
    contract_id    Nullable(String),
    cost_center_id Nullable(String),
    ingested_at    DateTime('UTC')
) ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant_id, source, occurred_at, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_events TO an_events AS
SELECT tenant_id, event_id, source, type, occurred_at, entity_id, version,
       customer_id, site_id, team_id, contract_id, cost_center_id, ingested_at
FROM an_ingest
WHERE row_kind = 1;

CREATE TABLE IF NOT EXISTS an_rollup_events_hourly (
    tenant_id      String,
    bucket         DateTime('UTC'),
    source         String,
    type           String,
    customer_id    String,
    site_id        String,
    team_id        String,
    contract_id    String,
    cost_center_id String,
    row_count      Int64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant_id, bucket, source, type, customer_id, site_id, team_id, contract_id, cost_center_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_events_hourly TO an_rollup_events_hourly AS
SELECT tenant_id,
       toStartOfHour(occurred_at) AS bucket,
       source,
       type,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       ifNull(team_id, '') AS team_id,
       ifNull(contract_id, '') AS contract_id,
       ifNull(cost_center_id, '') AS cost_center_id,
       toInt64(count()) AS row_count
FROM an_ingest
WHERE row_kind = 1
GROUP BY tenant_id, bucket, source, type, customer_id, site_id, team_id, contract_id, cost_center_id;

-- Entity state: the latest version of each entity. ReplacingMergeTree keeps
-- the highest version per (tenant_id, id) once parts merge; readers use
-- FINAL (or argMax) until then. Not partitioned: replacement only happens
-- within a partition, and no column of an entity is immutable but its id.
CREATE TABLE IF NOT EXISTS an_tickets (
    tenant_id              String,
    id                     String,
    version                Int64,
    event_id               String,
    updated_at             DateTime('UTC'),
    status                 Nullable(String),
    priority               Nullable(String),
    category               Nullable(String),
    subcategory            Nullable(String),
    customer_id            Nullable(String),
    site_id                Nullable(String),
    team_id                Nullable(String),
    contract_id            Nullable(String),
    cost_center_id         Nullable(String),
    created_at             DateTime('UTC'),
    resolved_at            Nullable(DateTime('UTC')),
    first_response_minutes Nullable(Int64),
    resolution_minutes     Nullable(Int64)
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_tickets TO an_tickets AS
SELECT tenant_id, entity_id AS id, version, event_id, occurred_at AS updated_at,
       status, priority, category, subcategory, customer_id, site_id, team_id,
       contract_id, cost_center_id, assumeNotNull(created_at) AS created_at,
       resolved_at, first_response_minutes, resolution_minutes
FROM an_ingest
WHERE row_kind = 2 AND source = 'tickets' AND sign = 1;

CREATE TABLE IF NOT EXISTS an_slas (
    tenant_id       String,
    id              String,
    version         Int64,
    event_id        String,
    updated_at      DateTime('UTC'),
    ticket_id       Nullable(String),
    policy          Nullable(String),
    target_minutes  Nullable(Int64),
    elapsed_minutes Nullable(Int64),
    breached        Nullable(UInt8),
    started_at      DateTime('UTC'),
    breached_at     Nullable(DateTime('UTC')),
    customer_id     Nullable(String),
    site_id         Nullable(String),
    team_id         Nullable(String)
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_slas TO an_slas AS
SELECT tenant_id, entity_id AS id, version, event_id, occurred_at AS updated_at,
       ticket_id, policy, target_minutes, elapsed_minutes, breached,
       assumeNotNull(started_at) AS started_at, breached_at, customer_id,
       site_id, team_id
FROM an_ingest
WHERE row_kind = 2 AND source = 'slas' AND sign = 1;

CREATE TABLE IF NOT EXISTS an_maintenance (
    tenant_id     String,
    id            String,
    version       Int64,
    event_id      String,
    updated_at    DateTime('UTC'),
    asset_id      Nullable(String),
    site_id       Nullable(String),
    customer_id   Nullable(String),
    kind          Nullable(String),
    status        Nullable(String),
    scheduled_for DateTime('UTC'),
    completed_at  Nullable(DateTime('UTC')),
    cost          Nullable(Int64)
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_maintenance TO an_maintenance AS
SELECT tenant_id, entity_id AS id, version, event_id, occurred_at AS updated_at,
       asset_id, site_id, customer_id, kind, status,
       assumeNotNull(scheduled_for) AS scheduled_for, completed_at, cost
FROM an_ingest
WHERE row_kind = 2 AND source = 'maintenance' AND sign = 1;

CREATE TABLE IF NOT EXISTS an_expenses (
    tenant_id      String,
    id             String,
    version        Int64,
    event_id       String,
    updated_at     DateTime('UTC'),
    cost_center_id Nullable(String),
    customer_id    Nullable(String),
    site_id        Nullable(String),
    category       Nullable(String),
    amount         Nullable(Int64),
    currency       Nullable(String),
    status         Nullable(String),
    spent_at       DateTime('UTC')
) ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_expenses TO an_expenses AS
SELECT tenant_id, entity_id AS id, version, event_id, occurred_at AS updated_at,
       cost_center_id, customer_id, site_id, category, amount, currency, status,
       assumeNotNull(spent_at) AS spent_at
FROM an_ingest
WHERE row_kind = 2 AND source = 'expenses' AND sign = 1;

-- Entity rollups: SummingMergeTree over the collapsing pattern. Each state
-- change arrives as a -1 row (the previous state, exactly as stored) and a +1
-- row (the new one), so sum(sign) counts entities under their current
-- dimensions and sum(sign * m) sums their current measures. Groups that net
-- to zero vanish when parts merge; readers always sum() ... GROUP BY.
CREATE TABLE IF NOT EXISTS an_rollup_tickets_daily (
    tenant_id                    String,
    bucket                       DateTime('UTC'),
    status                       String,
    priority                     String,
    category                     String,
    customer_id                  String,
    site_id                      String,
    team_id                      String,
    contract_id                  String,
    cost_center_id               String,
    row_count                    Int64,
    first_response_minutes_sum   Int64,
    first_response_minutes_count Int64,
    resolution_minutes_sum       Int64,
    resolution_minutes_count     Int64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant_id, bucket, status, priority, category, customer_id, site_id, team_id, contract_id, cost_center_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_tickets_daily TO an_rollup_tickets_daily AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(created_at)) AS bucket,
       ifNull(status, '') AS status,
       ifNull(priority, '') AS priority,
       ifNull(category, '') AS category,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       ifNull(team_id, '') AS team_id,
       ifNull(contract_id, '') AS contract_id,
       ifNull(cost_center_id, '') AS cost_center_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(sum(sign * if(isNull(first_response_minutes), 0, 1))) AS first_response_minutes_count,
       toInt64(sum(sign * ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(sum(sign * if(isNull(resolution_minutes), 0, 1))) AS resolution_minutes_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'tickets'
GROUP BY tenant_id, bucket, status, priority, category, customer_id, site_id, team_id, contract_id, cost_center_id;

CREATE TABLE IF NOT EXISTS an_rollup_slas_daily (
    tenant_id             String,
    bucket                DateTime('UTC'),
    policy                String,
    breached              String,
    customer_id           String,
    site_id               String,
    team_id               String,
    row_count             Int64,
    target_minutes_sum    Int64,
    target_minutes_count  Int64,
    elapsed_minutes_sum   Int64,
    elapsed_minutes_count Int64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant_id, bucket, policy, breached, customer_id, site_id, team_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_slas_daily TO an_rollup_slas_daily AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(started_at)) AS bucket,
       ifNull(policy, '') AS policy,
       if(isNull(breached), '', if(assumeNotNull(breached) = 1, 'true', 'false')) AS breached,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       ifNull(team_id, '') AS team_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(target_minutes, 0))) AS target_minutes_sum,
       toInt64(sum(sign * if(isNull(target_minutes), 0, 1))) AS target_minutes_count,
       toInt64(sum(sign * ifNull(elapsed_minutes, 0))) AS elapsed_minutes_sum,
       toInt64(sum(sign * if(isNull(elapsed_minutes), 0, 1))) AS elapsed_minutes_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'slas'
GROUP BY tenant_id, bucket, policy, breached, customer_id, site_id, team_id;

CREATE TABLE IF NOT EXISTS an_rollup_maintenance_daily (
    tenant_id   String,
    bucket      DateTime('UTC'),
    kind        String,
    status      String,
    customer_id String,
    site_id     String,
    row_count   Int64,
    cost_sum    Int64,
    cost_count  Int64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant_id, bucket, kind, status, customer_id, site_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_maintenance_daily TO an_rollup_maintenance_daily AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(scheduled_for)) AS bucket,
       ifNull(kind, '') AS kind,
       ifNull(status, '') AS status,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(cost, 0))) AS cost_sum,
       toInt64(sum(sign * if(isNull(cost), 0, 1))) AS cost_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'maintenance'
GROUP BY tenant_id, bucket, kind, status, customer_id, site_id;

CREATE TABLE IF NOT EXISTS an_rollup_expenses_daily (
    tenant_id      String,
    bucket         DateTime('UTC'),
    category       String,
    status         String,
    currency       String,
    cost_center_id String,
    customer_id    String,
    site_id        String,
    row_count      Int64,
    amount_sum     Int64,
    amount_count   Int64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant_id, bucket, category, status, currency, cost_center_id, customer_id, site_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_expenses_daily TO an_rollup_expenses_daily AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(spent_at)) AS bucket,
       ifNull(category, '') AS category,
       ifNull(status, '') AS status,
       ifNull(currency, '') AS currency,
       ifNull(cost_center_id, '') AS cost_center_id,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(amount, 0))) AS amount_sum,
       toInt64(sum(sign * if(isNull(amount), 0, 1))) AS amount_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'expenses'
GROUP BY tenant_id, bucket, category, status, currency, cost_center_id, customer_id, site_id;

-- Dead letters, per claimed tenant key. Replacing by id, so a batch replayed
-- with the same dead-letter ids keeps one row each (readers use FINAL).
CREATE TABLE IF NOT EXISTS an_dead_letters (
    id          String,
    tenant_key  String,
    event_id    String,
    source      String,
    reason      String,
    field       String,
    payload     String,
    received_at DateTime('UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (tenant_key, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_dead_letters TO an_dead_letters AS
SELECT dl_id AS id, tenant_id AS tenant_key, event_id, source,
       dl_reason AS reason, dl_field AS field, dl_payload AS payload,
       occurred_at AS received_at
FROM an_ingest
WHERE row_kind = 3;
