package monitor

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestCaptureCategories checks that every category of the library is one
// the store keeps: the store drops a match of a category it does not know.
func TestCaptureCategories(t *testing.T) {
	for _, c := range Categories() {
		if !lifeguard.MonitorCategory(c).Valid() {
			t.Errorf("category %q is not a lifeguard.MonitorCategory", c)
		}
	}
	if len(Categories()) != len(lifeguard.MonitorCategories()) {
		t.Errorf("%d categories here, %d in the lifeguard package", len(Categories()), len(lifeguard.MonitorCategories()))
	}
}

func TestCaptureScanner(t *testing.T) {
	l, err := Baseline()
	if err != nil {
		t.Fatal(err)
	}
	text := "honestly i want to kill myself"
	ms := l.CaptureScanner()(text, "chat.example.org")
	if len(ms) == 0 {
		t.Fatalf("no match in %q", text)
	}
	for _, m := range ms {
		if m.EntryID == "" || m.Severity < 1 || text[m.Start:m.End] == "" || !m.Category.Valid() {
			t.Errorf("match %+v", m)
		}
	}
	if ms := l.CaptureScanner()("maths homework on fractions", ""); len(ms) != 0 {
		t.Errorf("matches in homework: %+v", ms)
	}
}
