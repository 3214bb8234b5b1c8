// Package lifeguard holds the domain of Lifeguard, the system behind a local
// Safeguarding Children Partnership's online-safety strategy: the facts of a
// concern, the triage that the partnership's procedure gives for them, and the
// error codes every adapter maps to its own protocol.
//
// Adapters live under internal/ and are named for what they wrap; this package
// imports none of them.
package lifeguard
