package report

import (
	_ "embed"
	"html/template"
	"io"
)

// The report as a document of its own, for `lifeguard report board
// --format html`: the same sections, charts and tables as the page, with
// its stylesheet inside it so that the file opens and prints anywhere.

//go:embed report.css
var reportCSS string

//go:embed report.html
var reportHTML string

var documentTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"chart": Chart,
	"css":   func() template.CSS { return template.CSS(reportCSS) },
	// printcss and pagecss put the printed report's rules in the
	// document itself, so that the file prints as the page does.
	"printcss": func() template.CSS { return template.CSS(printCSS) },
	"pagecss":  func(r *Report) template.CSS { return template.CSS(PageCSS(r)) },
}).Parse(reportHTML))

// WriteHTML writes the report as a standalone HTML document.
func WriteHTML(w io.Writer, r *Report) error {
	return documentTemplate.Execute(w, r)
}
