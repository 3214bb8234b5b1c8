package trainingcsv

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

func TestRead(t *testing.T) {
	in := "\ufeffEmail,Training type,Course,Provider,Date completed\n" +
		"a@example.org,DSL refresher,Refresher,Northshire SCP,03/02/2026\n" +
		"\n" +
		"b@example.org,online_safety,\"=HYPERLINK(\"\"x\"\")\",In house,2026-13-01\n"
	lines, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Line != 2 || lines[1].Line != 4 {
		t.Fatalf("lines: %+v", lines)
	}
	if l := lines[0]; l.Training.Type != lifeguard.TrainingDSLRefresher || l.Training.CompletedOn.String() != "2026-02-03" || len(l.Problems) != 0 {
		t.Errorf("line 2: %+v", l)
	}
	if l := lines[1]; len(l.Problems) != 1 || l.Problems[0].Path != "completed_on" || l.Training.Course != `=HYPERLINK("x")` {
		t.Errorf("line 4: %+v", l)
	}
	for name, bad := range map[string]string{
		"empty":      "",
		"no column":  "email,type,course,provider\nx,y,z,w\n",
		"no lines":   Header + "\n",
		"not UTF-8":  Header + "\na@example.org,dsl,\xff,x,2026-01-01\n",
		"bare quote": Header + "\na@example.org,dsl,a\"b,x,2026-01-01\n",
	} {
		if _, err := Read(strings.NewReader(bad)); lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzRead: any bytes give lines or an EINVALID error with its problems,
// never a panic; every line read has its number and text a store keeps
// or a problem the import reports.
func FuzzRead(f *testing.F) {
	f.Add([]byte(Header + "\na@example.org,dsl,Refresher,SCP,2026-02-03\n"))
	f.Add([]byte("\ufeffEmail,Training type,Course,Provider,Date completed\r\n\"a\"\"b\",x,y,z,03/02/2026\r\n"))
	f.Add([]byte(Header + "\n\"unterminated\n"))
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
			if l.Line < 2 || lifeguard.TextProblem(l.Email) != "" || lifeguard.TextProblem(l.Training.Course) != "" {
				t.Fatalf("line %d: %+v", l.Line, l)
			}
		}
	})
}
