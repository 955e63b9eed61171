-- The owner's data model (requirements §D): reports and their runs,
-- schedules and triggers; dashboards and widgets; share tokens and public
-- links; alerts with their history and comments; notifications; API keys.
--
-- Same rules as 00001: tenant_id on every row, UNIQUE (tenant_id, id), and
-- composite foreign keys so no row can reference another tenant's row.
-- Optional references (team, customer, acting user) are NULL when absent,
-- never '', because a composite foreign key is only skipped for NULL.
-- Enums are CHECKed with the same values as domain/enums.go.
-- The SQLite migration of the same number mirrors this one.

-- +goose Up
CREATE TABLE reports (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    query_json  jsonb NOT NULL,
    params_json jsonb NOT NULL DEFAULT '{}',
    owner_id    text NOT NULL,
    team_id     text,
    customer_id text,
    visibility  text NOT NULL CHECK (visibility IN ('private', 'group', 'customer', 'public')),
    scope_json  jsonb NOT NULL DEFAULT '{}',
    version     bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT reports_owner_fk FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    CONSTRAINT reports_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    CONSTRAINT reports_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX reports_owner_idx ON reports (tenant_id, owner_id);
CREATE INDEX reports_team_idx ON reports (tenant_id, team_id);
CREATE INDEX reports_customer_idx ON reports (tenant_id, customer_id);

CREATE TABLE report_executions (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    report_id   text NOT NULL,
    executed_by text NOT NULL,
    executed_at timestamptz NOT NULL,
    status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    runtime_ms  bigint NOT NULL DEFAULT 0 CHECK (runtime_ms >= 0),
    row_count   bigint NOT NULL DEFAULT 0 CHECK (row_count >= 0),
    result_ref  text NOT NULL DEFAULT '',
    meta_json   jsonb NOT NULL DEFAULT '{}',
    error       text NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    CONSTRAINT report_executions_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_executions_report_idx ON report_executions (tenant_id, report_id, executed_at);

-- lease_owner / lease_until let one node of a cluster claim a due run.
CREATE TABLE report_schedules (
    id                   text PRIMARY KEY,
    tenant_id            text NOT NULL,
    report_id            text NOT NULL,
    schedule_expr        text NOT NULL,
    timezone             text NOT NULL,
    is_active            boolean NOT NULL DEFAULT true,
    next_run_at          timestamptz,
    delivery_config_json jsonb NOT NULL DEFAULT '{}',
    lease_owner          text NOT NULL DEFAULT '',
    lease_until          timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT report_schedules_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_schedules_report_idx ON report_schedules (tenant_id, report_id);
CREATE INDEX report_schedules_due_idx ON report_schedules (next_run_at) WHERE is_active;

CREATE TABLE report_triggers (
    id            text PRIMARY KEY,
    tenant_id     text NOT NULL,
    report_id     text NOT NULL,
    rule_json     jsonb NOT NULL,
    actions_json  jsonb NOT NULL DEFAULT '[]',
    is_active     boolean NOT NULL DEFAULT true,
    last_fired_at timestamptz,
    created_at    timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT report_triggers_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX report_triggers_report_idx ON report_triggers (tenant_id, report_id);

CREATE TABLE dashboards (
    id               text PRIMARY KEY,
    tenant_id        text NOT NULL REFERENCES tenants (id),
    name             text NOT NULL,
    description      text NOT NULL DEFAULT '',
    layout_json      jsonb NOT NULL DEFAULT '{}',
    filters_json     jsonb NOT NULL DEFAULT '{}',
    owner_id         text NOT NULL,
    team_id          text,
    customer_id      text,
    visibility       text NOT NULL CHECK (visibility IN ('private', 'group', 'customer', 'public')),
    realtime_enabled boolean NOT NULL DEFAULT false,
    version          bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT dashboards_owner_fk FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    CONSTRAINT dashboards_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    CONSTRAINT dashboards_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX dashboards_owner_idx ON dashboards (tenant_id, owner_id);
CREATE INDEX dashboards_team_idx ON dashboards (tenant_id, team_id);
CREATE INDEX dashboards_customer_idx ON dashboards (tenant_id, customer_id);

CREATE TABLE widgets (
    id                   text PRIMARY KEY,
    tenant_id            text NOT NULL,
    dashboard_id         text NOT NULL,
    type                 text NOT NULL CHECK (type IN ('chart', 'table', 'kpi', 'text')),
    viz                  text NOT NULL,
    title                text NOT NULL DEFAULT '',
    config_json          jsonb NOT NULL DEFAULT '{}',
    position             integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    refresh_interval_sec integer NOT NULL DEFAULT 0
        CHECK (refresh_interval_sec = 0 OR refresh_interval_sec BETWEEN 5 AND 86400),
    realtime_channel     text NOT NULL DEFAULT '',
    version              bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
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
    id                text PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id),
    object_type       text NOT NULL CHECK (object_type IN ('report', 'dashboard', 'widget', 'snapshot')),
    object_id         text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('no_login', 'with_login')),
    token_hash        bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    scope_json        jsonb NOT NULL DEFAULT '{}',
    fixed_filter_json jsonb NOT NULL DEFAULT '{}',
    permissions_json  jsonb NOT NULL DEFAULT '{}',
    expires_at        timestamptz,
    max_uses          bigint NOT NULL DEFAULT 0 CHECK (max_uses >= 0),
    used_count        bigint NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    ip_allowlist_json jsonb NOT NULL DEFAULT '[]',
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL,
    revoked_at        timestamptz,
    UNIQUE (tenant_id, id),
    CONSTRAINT share_tokens_uses_ck CHECK (max_uses = 0 OR used_count <= max_uses),
    CONSTRAINT share_tokens_creator_fk FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX share_tokens_object_idx ON share_tokens (tenant_id, object_type, object_id);

CREATE TABLE public_links (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    object_type text NOT NULL CHECK (object_type IN ('report', 'dashboard', 'widget', 'snapshot')),
    object_id   text NOT NULL,
    token_id    text NOT NULL,
    url_slug    text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT public_links_token_fk FOREIGN KEY (tenant_id, token_id) REFERENCES share_tokens (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX public_links_token_idx ON public_links (tenant_id, token_id);

CREATE TABLE alerts (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    source_type  text NOT NULL CHECK (source_type IN ('trigger', 'metric', 'manual')),
    object_id    text NOT NULL DEFAULT '',
    severity     text NOT NULL CHECK (severity IN ('info', 'warn', 'crit')),
    status       text NOT NULL CHECK (status IN ('open', 'acked', 'closed')),
    payload_json jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL,
    closed_at    timestamptz,
    UNIQUE (tenant_id, id),
    CONSTRAINT alerts_closed_ck CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX alerts_status_idx ON alerts (tenant_id, status, created_at);

CREATE TABLE alert_events (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    alert_id    text NOT NULL,
    user_id     text,
    from_status text NOT NULL CHECK (from_status IN ('open', 'acked', 'closed')),
    to_status   text NOT NULL CHECK (to_status IN ('open', 'acked', 'closed')),
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT alert_events_alert_fk FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT alert_events_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX alert_events_alert_idx ON alert_events (tenant_id, alert_id, created_at);

CREATE TABLE alert_comments (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL,
    alert_id   text NOT NULL,
    user_id    text,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT alert_comments_alert_fk FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT alert_comments_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX alert_comments_alert_idx ON alert_comments (tenant_id, alert_id, created_at);

CREATE TABLE notifications (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL,
    user_id    text NOT NULL,
    channel    text NOT NULL CHECK (channel IN ('in_app', 'email', 'webhook')),
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    read_at    timestamptz,
    UNIQUE (tenant_id, id),
    CONSTRAINT notifications_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON notifications (tenant_id, user_id, created_at);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    sources_json jsonb NOT NULL DEFAULT '[]',
    created_by   text,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
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
