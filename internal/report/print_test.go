package report

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestPageCSSHeading checks the running header's words: the partnership and
// the period for the board, the organisation for its own report.
func TestPageCSSHeading(t *testing.T) {
	r := &Report{Scope: "All organisations of the partnership", Partnership: "Testshire Partnership",
		From: lifeguard.Date{Year: 2026, Month: 6, Day: 1}, To: lifeguard.Date{Year: 2026, Month: 11, Day: 30}}
	css := PageCSS(r)
	for _, want := range []string{`"Testshire Partnership: 1 June 2026 to 30 November 2026"`, `"OFFICIAL-SENSITIVE"`,
		`counter(page) " of " counter(pages)`, "size: A4", "@page :first"} {
		if !strings.Contains(css, want) {
			t.Errorf("the page rules lack %s:\n%s", want, css)
		}
	}
	r.OrganisationID, r.Scope = 7, "Riverside Academy"
	if css := PageCSS(r); !strings.Contains(css, `"Riverside Academy: 1 June 2026`) {
		t.Errorf("an organisation's report is headed:\n%s", css)
	}
}

// TestPageCSSEscapesNames is the attack: a partnership's name is typed by
// an administrator and goes into a CSS string, in a stylesheet of its own
// on the page and inside a <style> element in the report as a document. No
// name can end the string, the rule or the element.
func TestPageCSSEscapesNames(t *testing.T) {
	plain := PageCSS(&Report{Partnership: "A", Scope: "A"})
	for _, name := range []string{`"; } body { display: none } @page { x: "`, `</style><script>alert(1)</script>`,
		"a\\\"b", "line\nbreak", "nul\x00", `'quoted'`, "é ü ☃ 😀", "\u2028", `\` + `"`} {
		css := PageCSS(&Report{Partnership: name, Scope: name})
		for _, c := range []string{"{", "}", `"`, ";"} {
			if strings.Count(css, c) != strings.Count(plain, c) {
				t.Errorf("name %q changes the count of %q in the rules:\n%s", name, c, css)
			}
		}
		if strings.ContainsAny(css, "<>\n\x00\u2028") && strings.Contains(css, "</") {
			t.Errorf("name %q leaves markup in the rules:\n%s", name, css)
		}
		if strings.Contains(css, "<") || strings.Contains(css, "\x00") {
			t.Errorf("name %q leaves a raw < or NUL:\n%s", name, css)
		}
	}
	if got := cssString(`a"b\c<d`); got != `"a\000022b\00005cc\00003cd"` {
		t.Errorf("cssString = %s", got)
	}
}
