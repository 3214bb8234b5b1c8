package monitor

import (
	"strings"
	"testing"
)

func mustLoad(t testing.TB, src string) *Library {
	t.Helper()
	l, err := Load(strings.NewReader(src), "test.lib")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return l
}

func TestBaselineScan(t *testing.T) {
	l, err := Baseline()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text  string
		want  []string // entry IDs in order; "" none
		spans []string // text[Start:End] of each
	}{
		{"i want to kill myself", []string{"su-kill-myself"}, []string{"kill myself"}},
		{"I want to KiLLLL mysellf", []string{"su-kill-myself"}, []string{"KiLLLL mysellf"}},
		{"we killed time", nil, nil},
		{"gonna kill time", nil, nil},
		{"i would never kill myself", nil, nil},
		{"i want to just die", []string{"su-want-to-die"}, []string{"want to just die"}},
		{"I want chips. Die hard is a film", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ms := l.Scan(tt.text, "")
			var got, spans []string
			for _, m := range ms {
				got = append(got, m.EntryID)
				spans = append(spans, tt.text[m.Start:m.End])
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || strings.Join(spans, "|") != strings.Join(tt.spans, "|") {
				t.Errorf("Scan(%q) = %v %q, want %v %q", tt.text, got, spans, tt.want, tt.spans)
			}
		})
	}
}
