package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Any labelled file runs, whatever its name, so the held-back half runs
// with the same command; records are sorted by their category.
func TestReadRecordsSortsByCategory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held-back.jsonl")
	lines := `{"id": "d1", "text": "a", "label": "positive", "category": "hate", "severity": null}
{"id": "c1", "text": "b", "label": "negative", "category": "self_harm_suicide", "severity": 0}

{"id": "d2", "text": "c", "label": "negative", "category": "neither", "severity": null}
`
	if err := os.WriteFile(path, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	hate, risk, err := readRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(hate) != 2 || hate[0].ID != "d1" || hate[1].ID != "d2" || len(risk) != 1 || risk[0].ID != "c1" {
		t.Errorf("hate %v, risk %v", hate, risk)
	}
}

func TestReadRecordsNamesLineAndField(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{`{"text": "a", "label": "positive", "category": "hate"}`, ":2: id is missing"},
		{`{"id": "x", "label": "yes", "category": "hate"}`, `:2: label "yes"`},
		{`{"id": "x", "label": "positive", "category": "spam"}`, `:2: category "spam"`},
		{`{"id": "x", "label": "positive", "category": "self_harm_suicide"}`, ":2: severity"},
		{`{"id": "x", "label": "positive", "category": "self_harm_suicide", "severity": 7}`, ":2: severity"},
		{`not json`, ":2: invalid character"},
	} {
		path := filepath.Join(t.TempDir(), "bad.jsonl")
		good := `{"id": "d1", "text": "a", "label": "positive", "category": "hate"}` + "\n"
		if err := os.WriteFile(path, []byte(good+tt.line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := readRecords(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.line, err, tt.want)
		}
	}
}
