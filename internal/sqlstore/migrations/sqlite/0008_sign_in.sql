-- Sign-in: where each account has signed in before, and which accounts
-- serve --demo created.
--
-- sign_in_addresses holds, per account (the throttling key of its email)
-- and client address (its throttling key: an IPv4 address or an IPv6 /64),
-- when the account last signed in from there with the right password.
-- Throttling lets a known address past the limits that an attack from
-- elsewhere raises (docs/web.md), so that guessing cannot lock the owner out.
CREATE TABLE sign_in_addresses (
	account TEXT    NOT NULL,
	address TEXT    NOT NULL,
	last_at INTEGER NOT NULL,
	PRIMARY KEY (account, address)
);

-- demo_accounts are the users the demo seed created: serve --demo exempts
-- these, by id, from the second factor, and no one added later.
CREATE TABLE demo_accounts (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);
