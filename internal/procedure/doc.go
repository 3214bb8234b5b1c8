// Package procedure applies the partnership's procedure: it loads the
// England baseline embedded in the binary (baseline.yaml) with a
// partnership's local file over it, reporting every problem in either at
// once; evaluates the rules, written in CEL, against a concern's facts to
// give its triage (Procedure implements lifeguard.Triager); and holds the
// working-day calendar that turns a route's urgency into a deadline
// (procedure.md, "Deadlines") with the bank-holiday data behind it.
package procedure
