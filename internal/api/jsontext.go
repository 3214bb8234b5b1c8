package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// msgNotText is the problem with a JSON string that is not text, in the
// words the store uses for the same fault.
const msgNotText = "must be valid UTF-8 text"

// bodyTextProblem finds the first string of a well-formed JSON body that is
// not text: raw invalid UTF-8, or an escaped lone surrogate (\ud800).
// encoding/json would replace either with U+FFFD without a word, so the
// store would keep something other than what was sent; the API refuses it
// instead, naming the field in the input's notation (reason, events[2].name).
// A NUL is not this function's business: raw, it is not well-formed JSON,
// and escaped (\u0000) it decodes to a NUL that every input's validation
// refuses by name.
func bodyTextProblem(body []byte) *lifeguard.Problem {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\ud`)) && !bytes.Contains(body, []byte(`\uD`)) {
		return nil // nearly every body: nothing to look for
	}
	// Walk the tokens, keeping the path to the current value, and look at
	// each string's own bytes as they were sent.
	type frame struct {
		object  bool
		key     string
		index   int
		wantKey bool
		path    string
	}
	var stack []*frame
	pathHere := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.path == "" {
				return f.key
			}
			return f.path + "." + f.key
		}
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	// advance moves the innermost container past the value just read.
	advance := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a fault the decoder reports itself
		}
		raw := body[start:dec.InputOffset()]
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				stack = append(stack, &frame{object: v == '{', wantKey: v == '{', path: pathHere()})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			if f := len(stack) - 1; f >= 0 && stack[f].object && stack[f].wantKey {
				if !jsonText(raw) {
					return &lifeguard.Problem{Path: stack[f].path, Problem: "has a member name that is not valid UTF-8 text"}
				}
				stack[f].key, stack[f].wantKey = v, false
				continue
			}
			if !jsonText(raw) {
				return &lifeguard.Problem{Path: pathHere(), Problem: msgNotText}
			}
			advance()
		default:
			advance()
		}
	}
}

// jsonText reports whether the raw bytes of one JSON string token (with any
// separator before it) are valid UTF-8 whose \u escapes pair every
// surrogate.
func jsonText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' || i+6 > len(raw) {
			i++ // an escape such as \" or \\: skip its second byte
			continue
		}
		r := hex4(raw[i+2 : i+6])
		i += 5
		if !utf16.IsSurrogate(r) {
			continue
		}
		// A high surrogate must be followed at once by an escaped low one.
		if r >= 0xDC00 || i+7 > len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
			return false
		}
		if r2 := hex4(raw[i+3 : i+7]); r2 < 0xDC00 || r2 > 0xDFFF {
			return false
		}
		i += 6
	}
	return true
}

// hex4 reads four hex digits, which a well-formed \u escape has.
func hex4(b []byte) rune {
	n, err := strconv.ParseUint(string(b), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}
