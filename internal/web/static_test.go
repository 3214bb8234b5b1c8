package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestAssetsAreLight keeps the pages' CSS and script under 50 KB together:
// pages must load fast on a school's phone signal.
func TestAssetsAreLight(t *testing.T) {
	a, err := newAssets()
	if err != nil {
		t.Fatal(err)
	}
	if n := a.size(); n > 50<<10 {
		t.Errorf("static assets are %d bytes, over 50 KB", n)
	}
	if _, err := a.url("app.css"); err != nil {
		t.Error(err)
	}
}

func TestTemplatesParse(t *testing.T) {
	a, _ := newAssets()
	if _, err := parseTemplates(a); err != nil {
		t.Fatal(err)
	}
}

// TestNoInlineScriptOrStyle keeps the templates within the content security
// policy: inline script or style would be blocked in the browser, silently.
func TestNoInlineScriptOrStyle(t *testing.T) {
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(p)
		s := strings.ToLower(string(b))
		for _, bad := range []string{" style=", "<style", "javascript:", " onclick=", " onsubmit="} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q, which the content security policy forbids", p, bad)
			}
		}
		// A script must come from a file of Lifeguard's own.
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(s, -1) {
			if !strings.Contains(tag, ` src="{{asset `) {
				t.Errorf("%s has an inline script (%s), which the content security policy forbids", p, tag)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPagesCarryTheStrictPolicy(t *testing.T) {
	rec := httptest.NewRecorder()
	setPageHeaders(rec)
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("policy %q allows something unsafe", csp)
	}
}
