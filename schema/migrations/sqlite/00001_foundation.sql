-- Foundation: tenants, identity, organisation, RBAC grants, scope policies,
-- sessions and the append-only audit log.
--
-- Tenant isolation is part of the schema: every tenant-owned table carries
-- tenant_id and UNIQUE (tenant_id, id), and every reference to another
-- tenant-owned row is a composite foreign key on (tenant_id, <ref>_id), so a
-- row can never point at another tenant's row whatever the application does.
-- Times are UTC text written by the store in one fixed-width format, so they
-- compare correctly as strings; TIMESTAMP makes the driver scan time.Time.

-- +goose Up
CREATE TABLE tenants (
    id         TEXT NOT NULL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash TEXT NOT NULL DEFAULT '',
    external_id   TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX users_external_id_uq ON users (tenant_id, external_id) WHERE external_id <> '';

CREATE TABLE teams (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE team_members (
    tenant_id TEXT NOT NULL,
    team_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id),
    CONSTRAINT team_members_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT team_members_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_user_idx ON team_members (tenant_id, user_id);

CREATE TABLE customers (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE sites (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT sites_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX sites_customer_idx ON sites (tenant_id, customer_id);

CREATE TABLE contracts (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    CONSTRAINT contracts_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX contracts_customer_idx ON contracts (tenant_id, customer_id);

CREATE TABLE cost_centers (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code)
);

-- Grants and scope policies name a user or a team (subject_type), and grants
-- a report or a dashboard: polymorphic references a foreign key cannot
-- express. The store checks the subject exists in the same tenant, inside the
-- writing transaction.
CREATE TABLE grants (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    object_type  TEXT NOT NULL CHECK (object_type IN ('report', 'dashboard')),
    object_id    TEXT NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('user', 'team')),
    subject_id   TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, object_type, object_id, subject_type, subject_id)
);
CREATE INDEX grants_subject_idx ON grants (tenant_id, subject_type, subject_id);

CREATE TABLE scope_policies (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('user', 'team')),
    subject_id   TEXT NOT NULL,
    scope_json   TEXT NOT NULL CHECK (json_valid(scope_json)),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX scope_policies_subject_idx ON scope_policies (tenant_id, subject_type, subject_id);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    CONSTRAINT sessions_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- audit_logs is append-only: the triggers below refuse UPDATE and DELETE, so
-- not even a bug (or an injected statement) in the application can rewrite
-- history. Rows keep user_id as plain text so they outlive the user.
CREATE TABLE audit_logs (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    user_id     TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json  TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
    request_id  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX audit_logs_tenant_idx ON audit_logs (tenant_id, id);
CREATE INDEX audit_logs_user_idx ON audit_logs (tenant_id, user_id, id);
CREATE INDEX audit_logs_action_idx ON audit_logs (tenant_id, action, id);
CREATE INDEX audit_logs_object_idx ON audit_logs (tenant_id, object_type, object_id, id);
CREATE INDEX audit_logs_created_idx ON audit_logs (tenant_id, created_at);

-- +goose StatementBegin
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_logs_no_delete;
DROP TRIGGER audit_logs_no_update;
DROP TABLE audit_logs;
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
