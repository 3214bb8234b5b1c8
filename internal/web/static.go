package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard/internal/quickexit"
	"github.com/lifeguard-scp/lifeguard/internal/report"
)

//go:embed static
var staticFS embed.FS

// assets are the static files, each served at a name that holds a hash of
// its content (/static/app.3f2a9c1b.css), so browsers may cache them for a
// year and still never use an old one after a release.
type assets struct {
	byName map[string]string // app.css -> app.3f2a9c1b.css
	files  map[string]asset  // app.3f2a9c1b.css -> content
}

type asset struct {
	body        []byte
	contentType string
}

func newAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(strings.TrimPrefix(p, "static/"), body)
		return nil
	})
	// The quick exit's script is shared with the filter's block page.
	a.add("quick-exit.js", quickexit.Script())
	// So is the printed report's stylesheet with the report as a document.
	a.add("report-print.css", []byte(report.PrintCSS()))
	return a, err
}

// add serves body under a name that holds a hash of it.
func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	a.byName[name] = hashed
	a.files[hashed] = asset{body: body, contentType: contentType(ext)}
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

// url returns the hashed URL of a static file; templates call it as
// {{asset "app.css"}}. An unknown name is a bug found at start-up, when
// every template is executed once.
func (a *assets) url(name string) (string, error) {
	h, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + h, nil
}

// size is the total size of the assets, which the tests keep under 50 KB.
func (a *assets) size() int {
	n := 0
	for _, f := range a.files {
		n += len(f.body)
	}
	return n
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) error {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		return errNoPage
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	w.Write(f.body)
	return nil
}

// favicon serves the icon at the address browsers ask for without being
// told, so that they get it rather than a 404; pages also link it by its
// hashed name.
func (a *assets) favicon(w http.ResponseWriter, r *http.Request) error {
	f, ok := a.files[a.byName["favicon.ico"]]
	if !ok {
		return errNoPage
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	w.Write(f.body)
	return nil
}

// robots keeps search engines out of the whole site: Lifeguard is a
// working tool, not something to find by searching. The help page, which
// children and parents may be sent to, is left indexable by its headers
// (see help), but it is not crawled either unless an operator changes this.
func robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	io.WriteString(w, "User-agent: *\nDisallow: /\n")
}
