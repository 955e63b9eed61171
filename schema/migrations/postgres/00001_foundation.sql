-- Foundation: tenants, identity, organisation, RBAC grants, scope policies,
-- sessions and the append-only audit log.
--
-- Tenant isolation is part of the schema: every tenant-owned table carries
-- tenant_id and UNIQUE (tenant_id, id), and every reference to another
-- tenant-owned row is a composite foreign key on (tenant_id, <ref>_id), so a
-- row can never point at another tenant's row whatever the application does.
-- The SQLite migration of the same number mirrors this one.

-- +goose Up
CREATE TABLE tenants (
    id         text PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE users (
    id            text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (id),
    email         text NOT NULL UNIQUE,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash text NOT NULL DEFAULT '',
    external_id   text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX users_external_id_uq ON users (tenant_id, external_id) WHERE external_id <> '';

CREATE TABLE teams (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE team_members (
    tenant_id text NOT NULL,
    team_id   text NOT NULL,
    user_id   text NOT NULL,
    PRIMARY KEY (team_id, user_id),
    CONSTRAINT team_members_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT team_members_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_user_idx ON team_members (tenant_id, user_id);

CREATE TABLE customers (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE sites (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    customer_id text NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT sites_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX sites_customer_idx ON sites (tenant_id, customer_id);

CREATE TABLE contracts (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    customer_id text NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT contracts_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX contracts_customer_idx ON contracts (tenant_id, customer_id);

CREATE TABLE cost_centers (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    code       text NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code)
);

-- Grants and scope policies name a user or a team (subject_type), and grants
-- a report or a dashboard: polymorphic references a foreign key cannot
-- express. The store checks the subject exists in the same tenant, inside the
-- writing transaction.
CREATE TABLE grants (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    object_type  text NOT NULL CHECK (object_type IN ('report', 'dashboard')),
    object_id    text NOT NULL,
    subject_type text NOT NULL CHECK (subject_type IN ('user', 'team')),
    subject_id   text NOT NULL,
    role         text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at   timestamptz NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, object_type, object_id, subject_type, subject_id)
);
CREATE INDEX grants_subject_idx ON grants (tenant_id, subject_type, subject_id);

CREATE TABLE scope_policies (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    subject_type text NOT NULL CHECK (subject_type IN ('user', 'team')),
    subject_id   text NOT NULL,
    scope_json   jsonb NOT NULL CHECK (jsonb_typeof(scope_json) = 'object'),
    created_at   timestamptz NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX scope_policies_subject_idx ON scope_policies (tenant_id, subject_type, subject_id);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    tenant_id  text NOT NULL,
    user_id    text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ip         text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    CONSTRAINT sessions_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- audit_logs is append-only: the trigger below refuses UPDATE, DELETE and
-- TRUNCATE, so not even a bug (or an injected statement) in the application
-- can rewrite history. Ids are UUIDv7 text compared byte-wise (COLLATE "C"),
-- so "ORDER BY id DESC" is newest first whatever the database locale.
CREATE TABLE audit_logs (
    id          text COLLATE "C" PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    user_id     text NOT NULL DEFAULT '',
    action      text NOT NULL,
    object_type text NOT NULL DEFAULT '',
    object_id   text NOT NULL DEFAULT '',
    before_json jsonb,
    after_json  jsonb,
    request_id  text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    user_agent  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);
CREATE INDEX audit_logs_tenant_idx ON audit_logs (tenant_id, id);
CREATE INDEX audit_logs_user_idx ON audit_logs (tenant_id, user_id, id);
CREATE INDEX audit_logs_action_idx ON audit_logs (tenant_id, action, id);
CREATE INDEX audit_logs_object_idx ON audit_logs (tenant_id, object_type, object_id, id);
CREATE INDEX audit_logs_created_idx ON audit_logs (tenant_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_logs_no_change BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

-- +goose Down
DROP TABLE audit_logs;
DROP FUNCTION audit_logs_append_only();
DROP TABLE sessions;
DROP TABLE scope_policies;
DROP TABLE grants;
DROP TABLE cost_centers;
DROP TABLE contracts;
DROP TABLE sites;
DROP TABLE customers;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE users;
DROP TABLE tenants;
