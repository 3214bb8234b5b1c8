// Package csvsafe writes cells of CSV files Lifeguard gives out so that a
// spreadsheet shows them as text: a cell starting with =, +, -, @, a tab or
// a carriage return would be run as a formula by Excel and LibreOffice
// (CSV injection), so it gets a leading apostrophe, which spreadsheets
// hide and read as "this is text".
package csvsafe

// Cell returns s as it is safe to put in a CSV cell.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row returns each cell of row made safe.
func Row(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Cell(c)
	}
	return out
}
