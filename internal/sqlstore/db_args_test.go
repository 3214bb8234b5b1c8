package sqlstore

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestCheckArgs checks the net under every statement: a text argument one
// engine would refuse is refused before it is sent, whatever its type.
func TestCheckArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []any
		bad  bool
	}{
		{"plain text, numbers, bytes and NULL", []any{"Riverside", int64(3), []byte{0, 0xff}, nil, true}, false},
		{"NUL in a string", []any{int64(1), "a\x00b"}, true},
		{"invalid UTF-8 in a string", []any{"a\xffb"}, true},
		{"NUL in a named string type", []any{lifeguard.Role("dsl\x00")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkArgs(tc.args)
			if got := lifeguard.ErrorCode(err) == lifeguard.EINVALID; got != tc.bad {
				t.Errorf("checkArgs(%q) = %v, want refused %v", tc.args, err, tc.bad)
			}
		})
	}
}
