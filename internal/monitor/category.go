package monitor

// Category is a risk category. The first eleven follow the UK Safer Internet
// Centre's definitions of what appropriate monitoring covers; personal_info is
// oversharing of personal information (addresses, phone numbers, meeting
// strangers), which schools ask monitoring to catch as well.
type Category string

const (
	Illegal         Category = "illegal"
	Bullying        Category = "bullying"
	CSEGrooming     Category = "cse_grooming"
	Discrimination  Category = "discrimination"
	Drugs           Category = "drugs"
	Extremism       Category = "extremism"
	Gambling        Category = "gambling"
	Pornography     Category = "pornography"
	SelfHarm        Category = "self_harm"
	Suicide         Category = "suicide"
	ViolenceWeapons Category = "violence_weapons"
	PersonalInfo    Category = "personal_info"
)

// Categories lists every category in a fixed order (reports and tests walk it).
func Categories() []Category {
	return []Category{Illegal, Bullying, CSEGrooming, Discrimination, Drugs, Extremism,
		Gambling, Pornography, SelfHarm, Suicide, ViolenceWeapons, PersonalInfo}
}

// Valid reports whether c is one of the categories.
func (c Category) Valid() bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}
