package lifeguard

import (
	"reflect"
	"slices"
)

// ValidFacts is facts that have been checked, so that recording a concern
// checks them once: the recorder checks (or the JSON decoder has checked),
// and the triager and the store take the proof instead of checking again.
// Only Facts.Check and DecodedFacts (for the JSON decoder in
// internal/factsjson) make one; the zero value holds no facts and proves
// nothing.
//
// It keeps its own copy of the facts, so that nothing the caller changes
// afterwards, through a pointer or a slice the facts shared, can make the
// proven facts invalid.
type ValidFacts struct {
	f *Facts
}

// Check validates the facts (see Validate) and gives the proof that they
// are valid, or an EINVALID *Error listing every problem, each naming its
// field.
func (f *Facts) Check() (ValidFacts, error) {
	if ps := f.Validate(); len(ps) > 0 {
		return ValidFacts{}, Invalid("invalid concern", ps)
	}
	return ValidFacts{f: f.clone()}, nil
}

// DecodedFacts gives the proof for facts that the JSON decoder of
// internal/factsjson (factsjson.DecodeValidFacts) has just produced
// without a problem: that decoder applies Validate's rules and more while
// it reads, so checking again would only repeat them. The decoder lives
// outside this package because it is byte-level code, not domain; this is
// its one door in, and no other code may use it (Check is the way to a
// proof everywhere else).
func DecodedFacts(f *Facts) ValidFacts {
	return ValidFacts{f: f.clone()}
}

// Facts gives a copy of the proven facts; the zero ValidFacts gives zero
// facts.
func (v ValidFacts) Facts() Facts {
	if v.f == nil {
		return Facts{}
	}
	return *v.f.clone()
}

// IsZero reports whether v proves nothing.
func (v ValidFacts) IsZero() bool { return v.f == nil }

// IsZero reports whether no field of the facts is set, which a store uses to
// tell that a caller gave ValidFacts in place of Facts, not both.
func (f *Facts) IsZero() bool { return reflect.ValueOf(*f).IsZero() }

// clone copies the facts and everything they point to.
func (f *Facts) clone() *Facts {
	c := *f
	if f.OccurredAt != nil {
		at := *f.OccurredAt
		c.OccurredAt = &at
	}
	c.ConcernTypes = slices.Clone(f.ConcernTypes)
	if f.Child != nil {
		ch := *f.Child
		if ch.Age != nil {
			age := *ch.Age
			ch.Age = &age
		}
		if ch.DateOfBirth != nil {
			dob := *ch.DateOfBirth
			ch.DateOfBirth = &dob
		}
		ch.Vulnerabilities = slices.Clone(ch.Vulnerabilities)
		c.Child = &ch
	}
	return &c
}
