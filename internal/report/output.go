package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes every figure of the report, one a line: the section, the
// table (or "figures" for a section's key figures), the row's key and
// label, the column, and the figure as published ("<5", "*" and "–" as
// they read on the page).
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period_from", "period_to", "scope", "section", "table", "row_key", "row", "column", "figure"})
	rec := func(section, table, key, row, column string, f Figure) {
		cw.Write([]string{r.From.String(), r.To.String(), r.Scope, section, table, key, row, column, f.Text})
	}
	for _, s := range r.Sections {
		for _, f := range s.Figures {
			rec(s.ID, "figures", f.ID, f.Label, "", f.Figure)
		}
		for _, t := range s.Tables {
			rows := t.Rows
			if t.Totals != nil {
				rows = append(rows[:len(rows):len(rows)], *t.Totals)
			}
			for _, row := range rows {
				for i, f := range row.Cells {
					rec(s.ID, t.ID, row.Key, row.Label, t.Columns[i], f)
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
