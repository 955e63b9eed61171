-- The owner's data model (requirements §D): reports and their runs,
-- schedules and triggers; dashboards and widgets; share tokens and public
-- links; alerts with their history and comments; notifications; API keys.
--
-- Same rules as 00001: tenant_id on every row, UNIQUE (tenant_id, id), and
-- composite foreign keys so no row can reference another tenant's row.
-- Optional references (team, customer, acting user) are NULL when absent,
-- never '', because a composite foreign key is only skipped for NULL.
-- Enums are CHECKed with the same values as domain/enums.go.

-- +goose Up
CREATE TABLE reports (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    query_json  TEXT NOT NULL CHECK (json_valid(query_json)),
    params_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params_json)),
    owner_id    TEXT NOT NULL,
    team_id     TEXT,
    customer_id TEXT,
    visibility  TEXT NOT NULL CHECK (visibility IN ('private', 'group', 'customer', 'public')),
    scope_json  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scope_json)),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT reports_owner_fk FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    CONSTRAINT reports_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    CONSTRAINT reports_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX reports_owner_idx ON reports (tenant_id, owner_id);
CREATE INDEX reports_team_idx ON reports (tenant_id, team_id);
CREATE INDEX reports_customer_idx ON reports (tenant_id, customer_id);

CREATE TABLE report_executions (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    report_id   TEXT NOT NULL,
    executed_by TEXT NOT NULL,
    executed_at TIMESTAMP NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    runtime_ms  INTEGER NOT NULL DEFAULT 0 CHECK (runtime_ms >= 0),
    row_count   INTEGER NOT NULL DEFAULT 0 CHECK (row_count >= 0),
    result_ref  TEXT NOT NULL DEFAULT '',
    meta_json   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta_json)),
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    CONSTRAINT report_executions_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_executions_report_idx ON report_executions (tenant_id, report_id, executed_at);

-- lease_owner / lease_until let one node of a cluster claim a due run.
CREATE TABLE report_schedules (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL,
    report_id            TEXT NOT NULL,
    schedule_expr        TEXT NOT NULL,
    timezone             TEXT NOT NULL,
    is_active            INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    next_run_at          TIMESTAMP,
    delivery_config_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(delivery_config_json)),
    lease_owner          TEXT NOT NULL DEFAULT '',
    lease_until          TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT report_schedules_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_schedules_report_idx ON report_schedules (tenant_id, report_id);
CREATE INDEX report_schedules_due_idx ON report_schedules (next_run_at) WHERE is_active = 1;

CREATE TABLE report_triggers (
    id            TEXT NOT NULL PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    report_id     TEXT NOT NULL,
    rule_json     TEXT NOT NULL CHECK (json_valid(rule_json)),
    actions_json  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(actions_json)),
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    last_fired_at TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT report_triggers_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_triggers_report_idx ON report_triggers (tenant_id, report_id);

CREATE TABLE dashboards (
    id               TEXT NOT NULL PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    layout_json      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(layout_json)),
    filters_json     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters_json)),
    owner_id         TEXT NOT NULL,
    team_id          TEXT,
    customer_id      TEXT,
    visibility       TEXT NOT NULL CHECK (visibility IN ('private', 'group', 'customer', 'public')),
    realtime_enabled INTEGER NOT NULL DEFAULT 0 CHECK (realtime_enabled IN (0, 1)),
    version          INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT dashboards_owner_fk FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    CONSTRAINT dashboards_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    CONSTRAINT dashboards_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX dashboards_owner_idx ON dashboards (tenant_id, owner_id);
CREATE INDEX dashboards_team_idx ON dashboards (tenant_id, team_id);
CREATE INDEX dashboards_customer_idx ON dashboards (tenant_id, customer_id);

CREATE TABLE widgets (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL,
    dashboard_id         TEXT NOT NULL,
    type                 TEXT NOT NULL CHECK (type IN ('chart', 'table', 'kpi', 'text')),
    viz                  TEXT NOT NULL,
    title                TEXT NOT NULL DEFAULT '',
    config_json          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config_json)),
    position             INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    refresh_interval_sec INTEGER NOT NULL DEFAULT 0
        CHECK (refresh_interval_sec = 0 OR refresh_interval_sec BETWEEN 5 AND 86400),
    realtime_channel     TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT widgets_viz_ck CHECK (
        (type = 'chart' AND viz IN ('bar', 'line', 'area', 'pie', 'donut', 'treemap', 'heatmap'))
        OR (type = 'table' AND viz = 'table')
        OR (type = 'kpi' AND viz = 'kpi')
        OR (type = 'text' AND viz = 'text')),
    CONSTRAINT widgets_dashboard_fk FOREIGN KEY (tenant_id, dashboard_id) REFERENCES dashboards (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX widgets_dashboard_idx ON widgets (tenant_id, dashboard_id, position);

-- Only the SHA-256 of a token is stored (32 bytes); used_count is bumped by
-- a conditional UPDATE, and the CHECK backs that it never passes max_uses.
CREATE TABLE share_tokens (
    id                TEXT NOT NULL PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    object_type       TEXT NOT NULL CHECK (object_type IN ('report', 'dashboard', 'widget', 'snapshot')),
    object_id         TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('no_login', 'with_login')),
    token_hash        BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    scope_json        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scope_json)),
    fixed_filter_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(fixed_filter_json)),
    permissions_json  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(permissions_json)),
    expires_at        TIMESTAMP,
    max_uses          INTEGER NOT NULL DEFAULT 0 CHECK (max_uses >= 0),
    used_count        INTEGER NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    ip_allowlist_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(ip_allowlist_json)),
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    revoked_at        TIMESTAMP,
    UNIQUE (tenant_id, id),
    CONSTRAINT share_tokens_uses_ck CHECK (max_uses = 0 OR used_count <= max_uses),
    CONSTRAINT share_tokens_creator_fk FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX share_tokens_object_idx ON share_tokens (tenant_id, object_type, object_id);

CREATE TABLE public_links (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    object_type TEXT NOT NULL CHECK (object_type IN ('report', 'dashboard', 'widget', 'snapshot')),
    object_id   TEXT NOT NULL,
    token_id    TEXT NOT NULL,
    url_slug    TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT public_links_token_fk FOREIGN KEY (tenant_id, token_id) REFERENCES share_tokens (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX public_links_token_idx ON public_links (tenant_id, token_id);

CREATE TABLE alerts (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    source_type  TEXT NOT NULL CHECK (source_type IN ('trigger', 'metric', 'manual')),
    object_id    TEXT NOT NULL DEFAULT '',
    severity     TEXT NOT NULL CHECK (severity IN ('info', 'warn', 'crit')),
    status       TEXT NOT NULL CHECK (status IN ('open', 'acked', 'closed')),
    payload_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload_json)),
    created_at   TIMESTAMP NOT NULL,
    closed_at    TIMESTAMP,
    UNIQUE (tenant_id, id),
    CONSTRAINT alerts_closed_ck CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX alerts_status_idx ON alerts (tenant_id, status, created_at);

CREATE TABLE alert_events (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    alert_id    TEXT NOT NULL,
    user_id     TEXT,
    from_status TEXT NOT NULL CHECK (from_status IN ('open', 'acked', 'closed')),
    to_status   TEXT NOT NULL CHECK (to_status IN ('open', 'acked', 'closed')),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT alert_events_alert_fk FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT alert_events_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX alert_events_alert_idx ON alert_events (tenant_id, alert_id, created_at);

CREATE TABLE alert_comments (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    alert_id   TEXT NOT NULL,
    user_id    TEXT,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT alert_comments_alert_fk FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT alert_comments_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX alert_comments_alert_idx ON alert_comments (tenant_id, alert_id, created_at);

CREATE TABLE notifications (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'webhook')),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    UNIQUE (tenant_id, id),
    CONSTRAINT notifications_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON notifications (tenant_id, user_id, created_at);

CREATE TABLE api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    key_hash     BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    sources_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources_json)),
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    UNIQUE (tenant_id, id),
    CONSTRAINT api_keys_creator_fk FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE notifications;
DROP TABLE alert_comments;
DROP TABLE alert_events;
DROP TABLE alerts;
DROP TABLE public_links;
DROP TABLE share_tokens;
DROP TABLE widgets;
DROP TABLE dashboards;
DROP TABLE report_triggers;
DROP TABLE report_schedules;
DROP TABLE report_executions;
DROP TABLE reports;
