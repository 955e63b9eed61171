-- Narrow tickets rollups beside the wide tickets_daily (see the rollups of
-- tickets in schema/catalog/catalog.json and schema/analytics/sqlite/00002):
-- tickets_daily keys on eight dimensions, so on data where customers, sites,
-- contracts and cost centres vary independently it holds nearly a row per
-- ticket-day. The planner (domain.PlanRollup) answers each query from the
-- narrowest rollup that covers it, the principal's scope included: unscoped
-- dashboards by status, priority, category, team and day from
-- tickets_daily_status, principals scoped by customer from
-- tickets_daily_customer, customer x site boards from the monthly
-- tickets_monthly_site, everything else still from tickets_daily.
--
-- Same pattern as 00001: SummingMergeTree fed by a view over an_ingest's
-- entity rows (sign -1 retracts the previous state, +1 adds the new one).
-- Partitioned by year, not month: every insert writes one part per
-- partition it touches, parts are most of an Apply's cost, and these tables
-- are small (a batch spread over 90 days paid a quarter of its throughput
-- for month partitions of three more rollups, nothing with year ones).
-- Each table is then filled from the entity state (an_tickets FINAL), so it
-- holds the tickets ingested before the view existed. The fill is preceded by
-- a TRUNCATE so the migration can be run again after an interruption (the
-- runner records the version only after the last statement). ClickHouse has
-- no transactional DDL: a batch landing between the view's creation and the
-- fill would be counted twice, so run `reportsd migrate` with ingest stopped
-- when a database already holds data; VerifyRollups reports any difference,
-- and doc.go describes the rebuild.

CREATE TABLE IF NOT EXISTS an_rollup_tickets_daily_status (
    tenant_id                    String,
    bucket                       DateTime('UTC'),
    status                       String,
    priority                     String,
    category                     String,
    team_id                      String,
    row_count                    Int64,
    first_response_minutes_sum   Int64,
    first_response_minutes_count Int64,
    resolution_minutes_sum       Int64,
    resolution_minutes_count     Int64
) ENGINE = SummingMergeTree
PARTITION BY toYear(bucket)
ORDER BY (tenant_id, bucket, status, priority, category, team_id);

TRUNCATE TABLE an_rollup_tickets_daily_status;

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_tickets_daily_status TO an_rollup_tickets_daily_status AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(created_at)) AS bucket,
       ifNull(status, '') AS status,
       ifNull(priority, '') AS priority,
       ifNull(category, '') AS category,
       ifNull(team_id, '') AS team_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(sum(sign * if(isNull(first_response_minutes), 0, 1))) AS first_response_minutes_count,
       toInt64(sum(sign * ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(sum(sign * if(isNull(resolution_minutes), 0, 1))) AS resolution_minutes_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'tickets'
GROUP BY tenant_id, bucket, status, priority, category, team_id;

INSERT INTO an_rollup_tickets_daily_status (tenant_id, bucket, status, priority, category, team_id, row_count, first_response_minutes_sum, first_response_minutes_count, resolution_minutes_sum, resolution_minutes_count)
SELECT tenant_id,
       toStartOfDay(created_at) AS bucket,
       ifNull(status, '') AS status,
       ifNull(priority, '') AS priority,
       ifNull(category, '') AS category,
       ifNull(team_id, '') AS team_id,
       toInt64(count()) AS row_count,
       toInt64(sum(ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(count(first_response_minutes)) AS first_response_minutes_count,
       toInt64(sum(ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(count(resolution_minutes)) AS resolution_minutes_count
FROM an_tickets FINAL
GROUP BY tenant_id, bucket, status, priority, category, team_id;

CREATE TABLE IF NOT EXISTS an_rollup_tickets_daily_customer (
    tenant_id                    String,
    bucket                       DateTime('UTC'),
    status                       String,
    priority                     String,
    category                     String,
    customer_id                  String,
    row_count                    Int64,
    first_response_minutes_sum   Int64,
    first_response_minutes_count Int64,
    resolution_minutes_sum       Int64,
    resolution_minutes_count     Int64
) ENGINE = SummingMergeTree
PARTITION BY toYear(bucket)
ORDER BY (tenant_id, bucket, status, priority, category, customer_id);

TRUNCATE TABLE an_rollup_tickets_daily_customer;

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_tickets_daily_customer TO an_rollup_tickets_daily_customer AS
SELECT tenant_id,
       toStartOfDay(assumeNotNull(created_at)) AS bucket,
       ifNull(status, '') AS status,
       ifNull(priority, '') AS priority,
       ifNull(category, '') AS category,
       ifNull(customer_id, '') AS customer_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(sum(sign * if(isNull(first_response_minutes), 0, 1))) AS first_response_minutes_count,
       toInt64(sum(sign * ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(sum(sign * if(isNull(resolution_minutes), 0, 1))) AS resolution_minutes_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'tickets'
GROUP BY tenant_id, bucket, status, priority, category, customer_id;

INSERT INTO an_rollup_tickets_daily_customer (tenant_id, bucket, status, priority, category, customer_id, row_count, first_response_minutes_sum, first_response_minutes_count, resolution_minutes_sum, resolution_minutes_count)
SELECT tenant_id,
       toStartOfDay(created_at) AS bucket,
       ifNull(status, '') AS status,
       ifNull(priority, '') AS priority,
       ifNull(category, '') AS category,
       ifNull(customer_id, '') AS customer_id,
       toInt64(count()) AS row_count,
       toInt64(sum(ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(count(first_response_minutes)) AS first_response_minutes_count,
       toInt64(sum(ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(count(resolution_minutes)) AS resolution_minutes_count
FROM an_tickets FINAL
GROUP BY tenant_id, bucket, status, priority, category, customer_id;

CREATE TABLE IF NOT EXISTS an_rollup_tickets_monthly_site (
    tenant_id                    String,
    bucket                       DateTime('UTC'),
    customer_id                  String,
    site_id                      String,
    row_count                    Int64,
    first_response_minutes_sum   Int64,
    first_response_minutes_count Int64,
    resolution_minutes_sum       Int64,
    resolution_minutes_count     Int64
) ENGINE = SummingMergeTree
PARTITION BY toYear(bucket)
ORDER BY (tenant_id, bucket, customer_id, site_id);

TRUNCATE TABLE an_rollup_tickets_monthly_site;

CREATE MATERIALIZED VIEW IF NOT EXISTS mv_rollup_tickets_monthly_site TO an_rollup_tickets_monthly_site AS
SELECT tenant_id,
       toDateTime(toStartOfMonth(assumeNotNull(created_at)), 'UTC') AS bucket,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       toInt64(sum(sign)) AS row_count,
       toInt64(sum(sign * ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(sum(sign * if(isNull(first_response_minutes), 0, 1))) AS first_response_minutes_count,
       toInt64(sum(sign * ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(sum(sign * if(isNull(resolution_minutes), 0, 1))) AS resolution_minutes_count
FROM an_ingest
WHERE row_kind = 2 AND source = 'tickets'
GROUP BY tenant_id, bucket, customer_id, site_id;

INSERT INTO an_rollup_tickets_monthly_site (tenant_id, bucket, customer_id, site_id, row_count, first_response_minutes_sum, first_response_minutes_count, resolution_minutes_sum, resolution_minutes_count)
SELECT tenant_id,
       toDateTime(toStartOfMonth(created_at), 'UTC') AS bucket,
       ifNull(customer_id, '') AS customer_id,
       ifNull(site_id, '') AS site_id,
       toInt64(count()) AS row_count,
       toInt64(sum(ifNull(first_response_minutes, 0))) AS first_response_minutes_sum,
       toInt64(count(first_response_minutes)) AS first_response_minutes_count,
       toInt64(sum(ifNull(resolution_minutes, 0))) AS resolution_minutes_sum,
       toInt64(count(resolution_minutes)) AS resolution_minutes_count
FROM an_tickets FINAL
GROUP BY tenant_id, bucket, customer_id, site_id;
