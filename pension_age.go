package lifeguard

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The state pension age (issue 19): an allegation against someone who
// works with children is kept until the person's normal pension age or ten
// years from the allegation, whichever is longer. The ages are the UK
// Pensions Acts' table, shipped as data (pension_age.txt) with each band's
// Act.

//go:embed pension_age.txt
var pensionAgeTable string

// pensionBand is one line of the table.
type pensionBand struct {
	from          Date
	years, months int
}

// pensionBands parses the shipped table; a test proves it parses and runs
// in order.
func pensionBands() ([]pensionBand, error) {
	var out []pensionBand
	for n, line := range strings.Split(pensionAgeTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("pension_age.txt: line %d: want born_from, years, months and source", n+1)
		}
		from, err := ParseDate(f[0])
		if err != nil {
			return nil, fmt.Errorf("pension_age.txt: line %d: born_from: %w", n+1, err)
		}
		years, err1 := strconv.Atoi(f[1])
		months, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || months < 0 || months > 11 {
			return nil, fmt.Errorf("pension_age.txt: line %d: years and months must be whole numbers, months 0 to 11", n+1)
		}
		if len(out) > 0 && !out[len(out)-1].from.Before(from) {
			return nil, fmt.Errorf("pension_age.txt: line %d: the bands must run in order of birth", n+1)
		}
		out = append(out, pensionBand{from, years, months})
	}
	return out, nil
}

// StatePensionDate is the day a person born on birth reaches the UK state
// pension age, as the shipped table gives it.
func StatePensionDate(birth Date) Date {
	bands, err := pensionBands()
	if err != nil {
		panic(err) // a test proves the shipped table parses
	}
	b := bands[0]
	for _, x := range bands {
		if !birth.Before(x.from) {
			b = x
		}
	}
	return DateOf(birth.In(time.UTC).AddDate(b.years, b.months, 0))
}
