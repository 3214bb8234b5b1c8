package report

import "github.com/lifeguard-scp/lifeguard"

// The words the report uses for codes. Codes stay in the CSV and JSON
// beside them.

var settingWords = map[lifeguard.Setting]string{
	"school":                "Schools",
	"college":               "Colleges",
	"early_years":           "Early years settings",
	"childrens_social_care": "Children's social care",
	"police":                "Police",
	"health":                "Health services",
	"youth_service":         "Youth services",
	"youth_justice":         "Youth justice services",
	"probation":             "Probation services",
	"voluntary":             "Voluntary and community groups",
	"other":                 "Other organisations",
}

var vulnerabilityWords = map[lifeguard.Vulnerability]string{
	"looked_after":                "Looked after (in care)",
	"care_leaver":                 "Care leaver",
	"child_protection_plan":       "On a child protection plan",
	"child_in_need":               "Child in need",
	"send":                        "Special educational needs or a disability (SEND)",
	"not_in_education":            "Not in education",
	"young_carer":                 "Young carer",
	"unaccompanied_asylum_seeker": "Unaccompanied asylum-seeking child",
	"youth_justice":               "Known to youth justice",
	"disadvantaged":               "Disadvantaged",
	"isolated":                    "Isolated",
	"mental_health":               "Mental health needs",
}

// typeNotes say what a concern type covers where its definition has
// widened, so that a board comparing one period with another reads the
// figures rightly. They follow the types table, in the catalogue's order.
var typeNotes = map[lifeguard.ConcernType]string{
	"radicalisation": "Radicalisation includes a mixed, unclear or unstable ideology and a fixation on mass violence " +
		"with no stated cause, since the England baseline 2026.2 (after the Prevent learning review of 2025); " +
		"concerns reported before it were recorded against the narrower definition",
}

func settingLabel(s lifeguard.Setting) string {
	if w, ok := settingWords[s]; ok {
		return w
	}
	return string(s)
}

func vulnerabilityLabel(v lifeguard.Vulnerability) string {
	if w, ok := vulnerabilityWords[v]; ok {
		return w
	}
	return string(v)
}
