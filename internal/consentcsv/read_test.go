package consentcsv

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestRead reads a file as a management information system exports it:
// columns in its own order and words, names that are not read, yes and no
// in several spellings, an empty cell that changes nothing, a cell that
// is neither, and a date in the British form.
func TestRead(t *testing.T) {
	in := "\ufeffSurname,Forename,UPN,Internet use,Images on the website,Social media,Press,Date\r\n" +
		"Quill,Ada,B801200005001,Yes,N,,granted,03/02/2026\r\n" +
		",,,,,,,\r\n" +
		"Stone,Ben,A801200005002,maybe,yes,no,,2026-13-01\r\n"
	lines, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Line != 2 || lines[1].Line != 4 {
		t.Fatalf("lines: %+v", lines)
	}
	l := lines[0]
	want := []lifeguard.ConsentImport{{Kind: lifeguard.ConsentInternet, Given: true}, {Kind: lifeguard.ConsentImagesWebsite},
		{Kind: lifeguard.ConsentImagesPress, Given: true}}
	if l.UPN != "B801200005001" || l.On.String() != "2026-02-03" || len(l.Problems) != 0 || len(l.Consents) != len(want) {
		t.Fatalf("line 2: %+v", l)
	}
	for i := range want {
		if l.Consents[i] != want[i] {
			t.Errorf("line 2 consent %d: %+v, want %+v", i, l.Consents[i], want[i])
		}
	}
	paths := map[string]bool{}
	for _, p := range lines[1].Problems {
		paths[p.Path] = true
	}
	if !paths[string(lifeguard.ConsentInternet)] || !paths["on"] || len(lines[1].Problems) != 2 {
		t.Errorf("line 4's problems: %+v, want internet and on", lines[1].Problems)
	}
	for name, bad := range map[string]string{
		"empty":       "",
		"no upn":      "internet,press\ny,n\n",
		"no consent":  "upn,surname\nB801200005001,Quill\n",
		"no lines":    Header + "\n",
		"two columns": "upn,press,images_press\nB801200005001,y,y\n",
		"not UTF-8":   "upn,press\nB8012000\xff,y\n",
		"bare quote":  "upn,press\nB8012\"00005001,y\n",
	} {
		if _, err := Read(strings.NewReader(bad)); lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// FuzzRead: any bytes give lines or an EINVALID error with its problems,
// never a panic; every line read has its number, text a store keeps and
// known kinds only.
func FuzzRead(f *testing.F) {
	f.Add([]byte(Header + "\nB801200005001,y,n,,yes,2026-02-03\n"))
	f.Add([]byte("\uFEFFUPN,Press,Website\r\n\"a\"\"b\",given,refused\r\n"))
	f.Add([]byte("upn,internet\n\"unterminated\n"))
	f.Add([]byte("upn,internet,on\nX,y,31/02/2026\nY\n"))
	f.Add([]byte{0xff, 0xfe, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := Read(bytes.NewReader(data))
		if err != nil {
			var le *lifeguard.Error
			if !errors.As(err, &le) || le.Code != lifeguard.EINVALID || len(le.Problems) == 0 {
				t.Fatalf("error %v is not EINVALID with problems", err)
			}
			return
		}
		for _, l := range lines {
			if l.Line < 2 || lifeguard.TextProblem(l.UPN) != "" {
				t.Fatalf("line %d: upn %q", l.Line, l.UPN)
			}
			for _, c := range l.Consents {
				if !c.Kind.Valid() {
					t.Fatalf("line %d: kind %q", l.Line, c.Kind)
				}
			}
		}
	})
}
