package web

import "testing"

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
