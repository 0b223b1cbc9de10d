-- sledger study store, version 7: web access (issue #7 items 1 and 3; docs/api.md).
--
-- Portable SQL like 0001: TEXT and BIGINT only. Credentials, site grants and preferred
-- languages are append-only (the newest row wins), so a change never overwrites the old value;
-- tokens and sessions store only the SHA-256 of the secret, so a copy of the database cannot
-- be used to log in.

-- A user's password as an argon2id PHC string; the newest row is the current password.
CREATE TABLE app_user_credential (
    credential_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    password_phc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX app_user_credential_user ON app_user_credential (user_id, created_at);

-- The sites a user works at (site isolation: a non-admin sees and writes only these sites'
-- patients). A site code, not a site row: the same code names the site in every study.
CREATE TABLE app_user_site (
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    site_code TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (user_id, site_code)
);

-- A user's preferred language for the UI (en, es); the newest row wins.
CREATE TABLE app_user_language (
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    language TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (user_id, set_at)
);

-- Bearer tokens for scripts: only the SHA-256 (hex) of the token is kept.
CREATE TABLE api_token (
    token_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Browser sessions: only the SHA-256 (hex) of the cookie's value is kept. Ending a session
-- stamps ended_at; the row stays as the record of the login.
CREATE TABLE web_session (
    session_sha256 TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
