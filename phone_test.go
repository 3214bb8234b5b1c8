package lifeguard

import "testing"

func TestPhoneProblem(t *testing.T) {
	for _, s := range []string{"01632 960 123", "01632 960123", "+44 1632 960123", "(01632) 960-123", "999111"} {
		if p := PhoneProblem(s); p != "" {
			t.Errorf("%q: %s", s, p)
		}
	}
	for _, s := range []string{"", " 01632 960123", "dsl@school.example", "ring Mrs Patel", "01632", "1+1632960123",
		"0163 2960 1234 5678 9", "01632\n960123", "01632 960 123 ext 4"} {
		if PhoneProblem(s) == "" {
			t.Errorf("%q has the shape of a phone number", s)
		}
	}
}
