package childcsv

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// Mapping maps headers (in normHeader's form) to the JSON names of the
// fields they give; a header mapped to "" is ignored.
type Mapping map[string]string

// maxMappingSize bounds a mapping file: a few dozen short lines.
const maxMappingSize = 64 << 10

// ReadMapping reads a mapping file: one line per column, the field's name,
// an equals sign and the column's header,
//
//	upn = Pupil Ref No
//	legal_surname = Family Name
//	= Form                 (a column to ignore: no field before the sign)
//
// with blank lines and lines starting with # ignored. The header on the
// right is matched as the presets are, case aside. A line naming an
// unknown field is refused with its number.
func ReadMapping(r io.Reader) (Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMappingSize+1))
	if err != nil {
		return nil, fmt.Errorf("read the mapping: %w", err)
	}
	bad := func(line int, format string, args ...any) error {
		return lifeguard.Invalid("The mapping cannot be read", []lifeguard.Problem{{Path: fmt.Sprintf("mapping line %d", line),
			Problem: fmt.Sprintf(format, args...)}})
	}
	if len(data) > maxMappingSize {
		return nil, bad(1, "the file is larger than %d KB", maxMappingSize>>10)
	}
	m := Mapping{}
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF")))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) || strings.ContainsRune(line, 0) {
			return nil, bad(n, "is not UTF-8 text")
		}
		field, header, ok := strings.Cut(line, "=")
		if !ok {
			return nil, bad(n, "has no equals sign; write field = Column Header")
		}
		field, header = strings.TrimSpace(field), normHeader(header)
		if !slices.Contains(lifeguard.ChildIdentityFields(), field) {
			// A line may map a header to nothing: "= Column Header".
			if field != "" {
				return nil, bad(n, "names %q; the fields are %s", field, strings.Join(lifeguard.ChildIdentityFields(), ", "))
			}
		}
		if header == "" {
			return nil, bad(n, "names no column header after the equals sign")
		}
		if _, dup := m[header]; dup {
			return nil, bad(n, "maps the column %q a second time", header)
		}
		m[header] = field
	}
	if err := sc.Err(); err != nil {
		return nil, bad(1, "%v", err)
	}
	return m, nil
}
