-- Narrow tickets rollups beside the wide tickets_daily (see the rollups of
-- tickets in schema/catalog/catalog.json): tickets_daily keys on eight
-- dimensions, so on real data it holds nearly a row per ticket-day. The
-- planner (domain.PlanRollup) answers each query from the narrowest rollup
-- that covers it, scope included: unscoped dashboards by status, priority,
-- category, team and day from tickets_daily_status; principals scoped by
-- customer from tickets_daily_customer; customer x site boards from the
-- monthly tickets_monthly_site; everything else still from tickets_daily.
-- Like every rollup they are maintained in the ingest transaction (from the
-- catalogue, store/sqlite/analytics_rollup.go). Each is filled here from the
-- entity table, in the migration's transaction, so it equals the raw
-- aggregation from the start. Buckets are UTC day and month starts in Unix
-- milliseconds, floored (domain.Bucket) also before 1970.

-- +goose Up
CREATE TABLE an_rollup_tickets_daily_status (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    first_response_minutes_sum INTEGER NOT NULL,
    first_response_minutes_count INTEGER NOT NULL,
    resolution_minutes_sum INTEGER NOT NULL,
    resolution_minutes_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, status, priority, category, team_id)
) WITHOUT ROWID;

INSERT INTO an_rollup_tickets_daily_status
SELECT tenant_id, created_at - ((created_at % 86400000) + 86400000) % 86400000 AS b,
       coalesce(status, '') AS s, coalesce(priority, '') AS p, coalesce(category, '') AS c,
       coalesce(team_id, '') AS tm, count(*),
       coalesce(sum(first_response_minutes), 0), count(first_response_minutes),
       coalesce(sum(resolution_minutes), 0), count(resolution_minutes)
FROM an_tickets
GROUP BY tenant_id, b, s, p, c, tm;

CREATE TABLE an_rollup_tickets_daily_customer (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    first_response_minutes_sum INTEGER NOT NULL,
    first_response_minutes_count INTEGER NOT NULL,
    resolution_minutes_sum INTEGER NOT NULL,
    resolution_minutes_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, status, priority, category, customer_id)
) WITHOUT ROWID;

INSERT INTO an_rollup_tickets_daily_customer
SELECT tenant_id, created_at - ((created_at % 86400000) + 86400000) % 86400000 AS b,
       coalesce(status, '') AS s, coalesce(priority, '') AS p, coalesce(category, '') AS c,
       coalesce(customer_id, '') AS cu, count(*),
       coalesce(sum(first_response_minutes), 0), count(first_response_minutes),
       coalesce(sum(resolution_minutes), 0), count(resolution_minutes)
FROM an_tickets
GROUP BY tenant_id, b, s, p, c, cu;

CREATE TABLE an_rollup_tickets_monthly_site (
    tenant_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    customer_id TEXT NOT NULL DEFAULT '',
    site_id TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    first_response_minutes_sum INTEGER NOT NULL,
    first_response_minutes_count INTEGER NOT NULL,
    resolution_minutes_sum INTEGER NOT NULL,
    resolution_minutes_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, bucket, customer_id, site_id)
) WITHOUT ROWID;

INSERT INTO an_rollup_tickets_monthly_site
SELECT tenant_id,
       CAST(strftime('%s', (created_at - ((created_at % 1000) + 1000) % 1000) / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 AS b,
       coalesce(customer_id, '') AS cu, coalesce(site_id, '') AS si, count(*),
       coalesce(sum(first_response_minutes), 0), count(first_response_minutes),
       coalesce(sum(resolution_minutes), 0), count(resolution_minutes)
FROM an_tickets
GROUP BY tenant_id, b, cu, si;

-- +goose Down
DROP TABLE an_rollup_tickets_monthly_site;
DROP TABLE an_rollup_tickets_daily_customer;
DROP TABLE an_rollup_tickets_daily_status;
