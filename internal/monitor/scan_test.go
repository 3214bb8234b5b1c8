package monitor

import (
	"fmt"
	"slices"
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
		{"i will never ever hurt myself", nil, nil},
		{"i have never felt so suicidal", []string{"su-suicidal"}, []string{"suicidal"}},
		{"im not ok. i want to die", []string{"su-want-die"}, []string{"want to die"}},
		{"i want to just die", []string{"su-want-die"}, []string{"want to just die"}},
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

// TestScanConcurrent scans from several goroutines at once (run it with
// -race): a Library is shared by every request of a server.
func TestScanConcurrent(t *testing.T) {
	l, err := Baseline()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"i want to kill myself", "kill time", "go back to your country", "k i l l myself 🔪", "nothing"}
	want := make([][]Match, len(texts))
	for i, s := range texts {
		want[i] = l.Scan(s, "")
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			for k := range 50 {
				i := (g + k) % len(texts)
				if got := l.Scan(texts[i], ""); !slices.Equal(got, want[i]) {
					done <- fmt.Errorf("Scan(%q) = %v, want %v", texts[i], got, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
