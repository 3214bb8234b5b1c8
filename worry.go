package lifeguard

import (
	"fmt"
	"strings"
)

// WorryAbout is what a child says their worry is about, chosen on the block
// page from a few plain sentences. It lets a worry be triaged by the
// procedure to the routes of its kind of harm instead of "other": a child
// who chooses "I want to hurt myself" or "someone wants to meet me" gets a
// route due the same day or now, which alerts the safeguarding lead.
type WorryAbout string

// WorrySomethingElse is the choice when the child makes none: the words
// they write carry it, as they did before there were choices.
const WorrySomethingElse WorryAbout = "something_else"

// worryChoice is one choice: the words the child reads, and what it means
// for the procedure.
type worryChoice struct {
	code  WorryAbout
	words string
	facts func(f *Facts, category FilterCategory)
}

// worryChoices is the catalogue in the order the block page offers it.
// Why each choice gives its facts:
//
//   - pictures: a request for pictures by someone a child is worried about
//     is treated as sexual communication until the safeguarding lead knows
//     better; who asks is unknown, and the procedure counts an unknown
//     contact as an adult for a child's safety (ADULT_SEXUAL).
//   - meeting: someone proposing to meet a child is the step the procedure
//     calls grooming with a meeting arranged; the child cannot say whether
//     the other person is an adult, so unknown.
//   - unkind: being treated unkindly online is cyberbullying.
//   - upsetting: the content harm of the blocked site's category when it
//     names one (pornography, violence, self-harm, extremism), since the
//     child met the block page on that site; otherwise violent content, the
//     upsetting content children meet most often online. Neither alone is
//     urgent: the safeguarding lead reviews it today.
//   - hurt_myself: self-harm, which gives mental health support the same
//     working day.
//   - something_else: "other"; the child's words say what it is.
var worryChoices = [...]worryChoice{
	{"pictures", "Someone is asking me for pictures", func(f *Facts, _ FilterCategory) {
		f.ConcernTypes = []ConcernType{"sexual_communication"}
		f.Parties.UnknownInvolved = true
	}},
	{"meeting", "Someone wants to meet me", func(f *Facts, _ FilterCategory) {
		f.ConcernTypes = []ConcernType{"grooming"}
		f.Parties.UnknownInvolved = true
		f.Details.MeetingArranged = true
	}},
	{"unkind", "Someone is being unkind to me", func(f *Facts, _ FilterCategory) {
		f.ConcernTypes = []ConcernType{"cyberbullying"}
	}},
	{"upsetting", "I saw something upsetting", func(f *Facts, c FilterCategory) {
		t := ConcernType("violent_content")
		switch c {
		case "pornography", "violence", "self_harm", "extremism", "terrorism":
			t = c.ConcernType()
		}
		f.ConcernTypes = []ConcernType{t}
	}},
	{"hurt_myself", "I want to hurt myself", func(f *Facts, _ FilterCategory) {
		f.ConcernTypes = []ConcernType{"self_harm"}
	}},
	{WorrySomethingElse, "Something else", func(f *Facts, _ FilterCategory) {
		f.ConcernTypes = []ConcernType{"other"}
	}},
}

// WorryChoices lists the choices' codes in the order the block page
// offers them.
func WorryChoices() []WorryAbout {
	out := make([]WorryAbout, len(worryChoices))
	for i, c := range worryChoices {
		out[i] = c.code
	}
	return out
}

func lookupWorry(a WorryAbout) (worryChoice, bool) {
	for _, c := range worryChoices {
		if c.code == a {
			return c, true
		}
	}
	return worryChoice{}, false
}

// Valid reports whether a is a known choice.
func (a WorryAbout) Valid() bool {
	_, ok := lookupWorry(a)
	return ok
}

// Label is the choice in the child's words, or the code itself.
func (a WorryAbout) Label() string {
	if c, ok := lookupWorry(a); ok {
		return c.words
	}
	return string(a)
}

// OrElse is the choice, WorrySomethingElse when none was made.
func (a WorryAbout) OrElse() WorryAbout {
	if a == "" {
		return WorrySomethingElse
	}
	return a
}

// aboutProblem names what is wrong with a choice sent, "" when nothing.
func aboutProblem(a WorryAbout) string {
	if a == "" || a.Valid() {
		return ""
	}
	codes := make([]string, len(worryChoices))
	for i, c := range worryChoices {
		codes[i] = string(c.code)
	}
	return fmt.Sprintf("%q is not a choice; give one of %s, or leave it out for %s", string(a),
		strings.Join(codes, ", "), WorrySomethingElse)
}

// SetFacts gives f the concern types and flags that the worry's choice
// means (see worryChoices); a worry without a choice is "other". The
// caller has validated the worry.
func (w *NewFilterWorry) SetFacts(f *Facts) {
	c, ok := lookupWorry(w.About.OrElse())
	if !ok {
		c, _ = lookupWorry(WorrySomethingElse)
	}
	c.facts(f, w.Category)
}

// Description is the concern's description: the child's words, or, when
// they wrote none, the choice they made in its words.
func (w *NewFilterWorry) Description() string {
	if t := strings.TrimSpace(w.Text); t != "" {
		return w.Text
	}
	return "The child chose: " + w.About.OrElse().Label() + "."
}
