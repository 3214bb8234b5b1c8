package monitor

import (
	"slices"
	"testing"
)

func TestNormalise(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case", "Hello WORLD", "helo world"},
		{"repeated letters", "sooooo saaad", "so sad"},
		{"accents", "café naïve", "cafe naive"},
		{"compatibility forms", "ｋｉｌｌ ﬁne", "kil fine"},
		{"cyrillic look-alikes", "кіll", "kil"},
		{"greek look-alikes", "κιll", "kil"},
		{"zero width", "ki\u200bll my\u200dself", "kil myself"},
		{"control chars", "ki\x01ll", "kil"},
		{"leet digits", "k1ll 4ll", "kil al"},
		{"leet symbols", "$uicide sh!t b@d", "suicide shit bad"},
		{"numbers stay", "24 7 2008", "24 7 2008"},
		{"mention stays a name", "@bob hi", "bob hi"},
		{"spaced out", "k i l l myself", "kil myself"},
		{"dotted out", "k.i.l.l me", "kil me"},
		{"two singles stay", "so i a ok", "so i a ok"},
		{"apostrophe", "don't can’t", "dont cant"},
		{"hyphen", "self-harm", "self harm"},
		{"clause break", "no. yes, maybe", "no\nyes\nmaybe"},
		{"emoji", "i want 🔪 you", "i want knife you"},
		{"variation selector", "☠\ufe0f", "skul"},
		{"ascii run into accent", "KILLé caféS", "kile cafes"},
		{"accent into ascii run", "éKILL", "ekil"},
		{"ascii run into look-alike", "KIііLL", "kil"},
		{"leet inside an ascii run", "K1LLer sh1tTY", "kiler shity"},
		{"repeat across a case change", "sOoOo", "so"},
		{"empty", "", ""},
		{"only punctuation", "?!...", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalise(tt.in); got != tt.want {
				t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormaliseRuneCacheFull checks that the normaliser gives the reference's
// output once its cache of character plans is full: a text of more distinct
// characters than the cache holds, twice on the same normaliser.
func TestNormaliseRuneCacheFull(t *testing.T) {
	var b []rune
	for r := rune(0x4e00); r < 0x4e00+runeCacheMax+500; r++ {
		b = append(b, r, 'k', '\u0456', 'l', 'l', ' ', '\u00e9', r)
	}
	s := string(b)
	var fast normaliser
	var ref refNormaliser
	want := ref.normalise(s)
	for i := range 2 {
		got := fast.normalise(s)
		if string(got.text) != string(want.text) || !slices.Equal(got.orig, want.orig) {
			t.Fatalf("pass %d: the fast normaliser differs from the reference", i)
		}
	}
	if len(fast.plans) > runeCacheMax {
		t.Fatalf("the cache holds %d plans, more than %d", len(fast.plans), runeCacheMax)
	}
}
