// Package auth signs people in: argon2id password hashes and the password
// policy, browser sessions, API bearer tokens, sign-in throttling, and the
// second factor (TOTP and recovery codes).
//
// The Service keeps nothing in memory that servers behind a load balancer
// would need to share: sessions, tokens and failure counts live in the
// lifeguard.AuthStore. It calls the store as the system actor, because
// signing in happens before there is an acting user; the methods that act on
// an existing user's credentials (SetPassword, CreateToken, Tokens,
// RevokeToken) check the caller's actor themselves instead.
//
// Nothing here logs a password, a token, an email address or a code.
package auth
