package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestErrorPagesInChromium opens the errors a browser can meet on the
// server's pages, and checks each is a page axe finds nothing wrong with.
func TestErrorPagesInChromium(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	for _, tc := range []struct {
		path   string
		status int64
		want   string
	}{
		{"/no/such/page", 404, "Page not found"},
		{"/static/app.00000000.css", 404, "Page not found"},
		{"/signout", 405, "This page cannot do that"},
		{"/reminders/1/dismiss", 405, "This page cannot do that"},
	} {
		b.run(chromedp.Navigate(a.url + tc.path))
		status, text := b.answer()
		if status != tc.status || !strings.Contains(text, tc.want) {
			t.Errorf("%s: %d, want %d saying %q:\n%s", tc.path, status, tc.status, tc.want, text)
			continue
		}
		b.checkAccessible(tc.path)
	}
}
