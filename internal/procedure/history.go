package procedure

import (
	"slices"
	"strings"
)

// The baseline's history says which rules each version changed or added. A
// local file written for an older baseline still loads, because its
// overrides are still the partnership's recorded decisions; but an override
// of a rule that has changed since replaces the new rule, not the one the
// partnership reviewed, so procedure check lists it for review.

// Review is an override of a baseline rule that changed after the version
// the local file was written for.
type Review struct {
	Rule     string
	Version  string // the baseline version that changed the rule
	Change   string // what that version changed, in plain English
	Reason   string // the partnership's recorded reason for its override
	Disabled bool
}

// checkHistory checks that the baseline's history ends at its own version and
// names only its rules; a mistake here is the baseline's, caught by the
// tests before a release.
func (m *merge) checkHistory(base *baselineDoc) {
	h := base.History
	if len(h) == 0 {
		return // the first baseline had none; TestBaselineHistory requires it now
	}
	if h[len(h)-1].Version != base.Version {
		m.errs.add(baselineFile, 0, "", "history must end with the baseline's own version %s", base.Version)
	}
	seen := map[string]bool{}
	for _, v := range h {
		if v.Version == "" || seen[v.Version] {
			m.errs.add(baselineFile, 0, "", "history: version %q is empty or listed twice", v.Version)
		}
		seen[v.Version] = true
		for _, c := range v.Rules {
			if !slices.ContainsFunc(base.Rules, func(r ruleDoc) bool { return r.ID == c.ID }) {
				m.errs.add(baselineFile, 0, c.ID, "history %s names a rule the baseline does not have", v.Version)
			}
		}
	}
}

// historyIndex returns the index of version in the history, or -1.
func historyIndex(h []historyDoc, version string) int {
	return slices.IndexFunc(h, func(v historyDoc) bool { return v.Version == version })
}

// knownVersions lists the baseline versions, for an error message.
func knownVersions(h []historyDoc) string {
	vs := make([]string, len(h))
	for i, v := range h {
		vs[i] = v.Version
	}
	return strings.Join(vs, ", ")
}

// since returns the history entries after the version a local file was
// written for. A file that does not say is taken to be written for the
// first baseline, so that nothing changed since goes unreviewed.
func since(h []historyDoc, writtenFor string) []historyDoc {
	if len(h) == 0 {
		return nil
	}
	i := historyIndex(h, writtenFor)
	if i < 0 {
		i = 0
	}
	return h[i+1:]
}

// addedSince returns the version after writtenFor that added the rule id,
// or "" when the rule was already in the baseline the file was written for.
func addedSince(h []historyDoc, writtenFor, id string) string {
	for _, v := range since(h, writtenFor) {
		for _, c := range v.Rules {
			if c.ID == id && c.Added {
				return v.Version
			}
		}
	}
	return ""
}

// reviews lists the overrides of rules that changed after the version the
// local file was written for, newest change last.
func reviews(h []historyDoc, writtenFor string, overrides []Override) []Review {
	var out []Review
	for _, v := range since(h, writtenFor) {
		for _, c := range v.Rules {
			for _, o := range overrides {
				if o.Rule == c.ID {
					out = append(out, Review{Rule: c.ID, Version: v.Version, Change: c.Change, Reason: o.Reason, Disabled: o.Disabled})
				}
			}
		}
	}
	return out
}
