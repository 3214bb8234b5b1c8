package api

import "testing"

// TestBodyTextProblem checks that a string that is not text is found where
// it is, and named in the input's notation, and that text is left alone.
func TestBodyTextProblem(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		bad        bool
		path       string
	}{
		{"plain text", `{"a":"é","b":[1,"x"]}`, false, ""},
		{"an escaped pair", `{"a":"\ud83d\ude00"}`, false, ""},
		{"an escaped backslash then u", `{"a":"\\ud800"}`, false, ""},
		{"an escaped NUL is for validation", `{"a":"\u0000"}`, false, ""},
		{"invalid UTF-8 at the top", "{\"reason\":\"a\xffb\"}", true, "reason"},
		{"invalid UTF-8 deep", "{\"a\":{\"b\":[1,{\"c\":\"x\"},{\"c\":\"\xc3\"}]}}", true, "a.b[2].c"},
		{"after a nested object", "{\"a\":{\"b\":\"x\"},\"c\":\"\xff\"}", true, "c"},
		{"a lone high surrogate", `{"events":[{"name":"a\ud800"}]}`, true, "events[0].name"},
		{"a lone low surrogate", `{"x":"\udc00"}`, true, "x"},
		{"a high surrogate then not a low one", `{"x":"\ud800\u0041"}`, true, "x"},
		{"in a member name", "{\"a\":{\"\xff\":1}}", true, "a"},
		{"a string alone", "\"\xff\"", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := bodyTextProblem([]byte(tc.body))
			switch {
			case (p != nil) != tc.bad:
				t.Fatalf("problem %v, want one: %v", p, tc.bad)
			case p != nil && p.Path != tc.path:
				t.Errorf("path %q, want %q", p.Path, tc.path)
			}
		})
	}
}
