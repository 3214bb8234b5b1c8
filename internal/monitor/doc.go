// Package monitor matches what children type and search against a phrase
// library of safeguarding risks: categories after the UK Safer Internet
// Centre's appropriate-monitoring definitions, a severity from 1 to 5, and
// context rules that lower or cancel a match in educational, reporting or
// negated frames.
//
// Text is normalised first (normalise.go) so that look-alike letters, leet
// substitutions, repeated and spaced-out letters and zero-width characters do
// not hide a phrase; every match still names its byte offsets in the
// original text, the entry that raised it and the rule that changed it, so an
// alert can always be explained. Matching is one pass of a compiled
// Aho-Corasick automaton (automaton.go) built once when the library loads.
//
// The package holds no state outside a Library and never logs text.
package monitor
