-- Single sign-on with OpenID Connect (docs/sign-in.md).
--
-- A provider belongs to a partnership, and to one of its organisations
-- unless organisation_id is NULL (the whole partnership). The client
-- secret is kept to be sent to the provider's token endpoint; no page,
-- API answer, log or journal entry shows it.
CREATE TABLE sign_in_providers (
	id                INTEGER PRIMARY KEY,
	partnership_id    INTEGER NOT NULL REFERENCES partnerships (id),
	organisation_id   INTEGER REFERENCES organisations (id),
	name              TEXT    NOT NULL,
	issuer            TEXT    NOT NULL,
	client_id         TEXT    NOT NULL,
	client_secret     TEXT    NOT NULL,
	create_users      INTEGER NOT NULL DEFAULT 0,
	trust_mfa         INTEGER NOT NULL DEFAULT 0,
	mfa_acr           TEXT    NOT NULL DEFAULT '',
	password_off      INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);

-- Each email domain is covered by one provider at most, so that an
-- address leads to one provider and the sign-in page never has to choose.
CREATE TABLE sign_in_domains (
	domain      TEXT    PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES sign_in_providers (id) ON DELETE CASCADE
);

-- A sign-in under way at a provider: the hash of its state, the hash of
-- the browser's cookie it is bound to, and the nonce and PKCE verifier the
-- answer must match. Taken (deleted) once, and refused after expires_at.
CREATE TABLE sign_in_starts (
	state_hash   BLOB    PRIMARY KEY,
	provider_id  INTEGER NOT NULL REFERENCES sign_in_providers (id) ON DELETE CASCADE,
	browser_hash BLOB    NOT NULL,
	nonce        TEXT    NOT NULL,
	verifier     TEXT    NOT NULL,
	next         TEXT    NOT NULL DEFAULT '',
	expires_at   INTEGER NOT NULL
);
CREATE INDEX sign_in_starts_expiry ON sign_in_starts (expires_at);
