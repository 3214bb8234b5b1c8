// Package procedure applies the partnership's procedure. For now it holds the
// working-day calendar that turns a route's urgency into a deadline
// (procedure.md, "Deadlines") and the bank-holiday data behind it.
package procedure
