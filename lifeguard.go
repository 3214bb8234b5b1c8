// Package lifeguard holds the domain of Lifeguard, the system behind a local
// Safeguarding Children Partnership's online-safety strategy: the facts of a
// concern and the checks they must pass, the triage that the partnership's
// procedure gives for them, children and their transfers between
// organisations, users and their roles, the self-audit and its action plan,
// the board report's figures, the DNS filter's policy and events, the store
// interfaces with their error contracts, and the error codes every adapter
// maps to its own protocol.
//
// Adapters live under internal/ and are named for what they wrap; this package
// imports none of them.
package lifeguard
