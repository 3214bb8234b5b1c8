package lifeguard

import "testing"

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		bad     bool
	}{
		{"empty", "", false},
		{"plain", "Riverside Primary", false},
		{"accents, emoji, tabs and new lines", "Zoë 🙂\tline\nnext", false},
		{"NUL alone", "\x00", true},
		{"NUL inside", "before\x00after", true},
		{"a stray continuation byte", "before\x80after", true},
		{"a cut-off sequence at the end", "caf\xc3", true},
		{"an encoded surrogate", "\xed\xa0\x80", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := CheckText("field", tc.s)
			if (p != nil) != tc.bad {
				t.Fatalf("CheckText(%q) = %v, want a problem: %v", tc.s, p, tc.bad)
			}
			if p != nil && (p.Path != "field" || p.Problem == "") {
				t.Errorf("problem %+v does not name the field or say what is wrong", p)
			}
		})
	}
}
