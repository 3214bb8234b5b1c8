package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The demo's teaching, parents' and internet access registers (issue 17,
// items 5 to 7): the three Riverside settings in full, and a few of the
// other schools more lightly, so that the coverage maps and the board
// report's prevention section have something to show. Each map keeps a few
// gaps; Riverside Primary School held one survey of its oldest pupils.

// demoLessons is what a year group is taught on each strand, in words a
// school would write; the secondary wording serves key stages 3 to 5.
var demoLessons = map[lifeguard.TeachingStrand][2]string{
	lifeguard.StrandSelfImage:     {"How pictures online can be changed, and feeling good about ourselves", "Filters, edited images and body image; influencers and self-worth"},
	lifeguard.StrandRelationships: {"Being kind online and who we talk to in games", "Healthy relationships online, consent and pressure to share images"},
	lifeguard.StrandReputation:    {"What we post stays online", "Digital footprint and what employers and colleges find"},
	lifeguard.StrandBullying:      {"What online bullying is and who to tell", "Online bullying, bystanders and reporting tools"},
	lifeguard.StrandInformation:   {"Not everything online is true", "Misinformation, algorithms and checking sources"},
	lifeguard.StrandHealth:        {"Screen time and sleep", "Gaming, gambling-like features and screen time"},
	lifeguard.StrandPrivacy:       {"Keeping passwords secret", "Privacy settings, location sharing and strong passwords"},
	lifeguard.StrandCopyright:     {"Asking before using someone else's pictures", "Copyright, piracy and fair use in coursework"},
}

// demoTeachingPlan says which year groups a setting teaches and which
// (year group, strand) pairs it has not yet taught this school year.
type demoTeachingPlan struct {
	groups []string
	gaps   map[string][]lifeguard.TeachingStrand
	by     string
	full   bool // parents, a survey and the access record too
}

func demoTeachingPlans(orgs map[string]*lifeguard.Organisation) map[string]demoTeachingPlan {
	plans := map[string]demoTeachingPlan{
		"Riverside Academy": {groups: []string{"7", "8", "9", "10", "11", "12", "13"}, by: "PSHE and Computing", full: true,
			gaps: map[string][]lifeguard.TeachingStrand{"8": {lifeguard.StrandCopyright}, "10": {lifeguard.StrandSelfImage},
				"12": {lifeguard.StrandSelfImage, lifeguard.StrandBullying, lifeguard.StrandCopyright, lifeguard.StrandInformation},
				"13": {lifeguard.StrandSelfImage, lifeguard.StrandBullying, lifeguard.StrandCopyright, lifeguard.StrandInformation, lifeguard.StrandHealth}}},
		"Riverside Primary School": {groups: []string{"R", "1", "2", "3", "4", "5", "6"}, by: "Class teacher, Computing", full: true,
			gaps: map[string][]lifeguard.TeachingStrand{"R": {lifeguard.StrandReputation, lifeguard.StrandInformation, lifeguard.StrandCopyright, lifeguard.StrandHealth},
				"3": {lifeguard.StrandCopyright}, "5": {lifeguard.StrandReputation}}},
		"Riverside College": {groups: []string{"12", "13"}, by: "Tutorial programme", full: true,
			gaps: map[string][]lifeguard.TeachingStrand{"12": {lifeguard.StrandCopyright}, "13": {lifeguard.StrandSelfImage, lifeguard.StrandCopyright}}},
	}
	// A few of the other schools, more lightly, for the board report.
	var names []string
	for name, o := range orgs {
		if _, ok := plans[name]; !ok && o.Setting == "school" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for i, name := range names[:min(6, len(names))] {
		p := demoTeachingPlan{groups: []string{"7", "8", "9", "10", "11"}, by: "PSHE", gaps: map[string][]lifeguard.TeachingStrand{}}
		if strings.Contains(name, "Primary") {
			p.groups, p.by = []string{"1", "2", "3", "4", "5", "6"}, "Computing"
		}
		strands := lifeguard.TeachingStrands()
		for j, g := range p.groups {
			// Two or three strands not yet taught, different in each.
			p.gaps[g] = []lifeguard.TeachingStrand{strands[(i+j)%8], strands[(i+2*j+3)%8]}
			if (i+j)%3 == 0 {
				p.gaps[g] = append(p.gaps[g], strands[(i+j+5)%8])
			}
		}
		plans[name] = p
	}
	return plans
}

func seedTeaching(ctx context.Context, s Stores, clock *Clock, managers map[string]*lifeguard.User,
	orgs map[string]*lifeguard.Organisation, now time.Time) error {
	if s.Prevention == nil {
		return nil
	}
	clock.at(now)
	day := func(t time.Time) lifeguard.Date { return lifeguard.DateOf(t.UTC()) }
	today := day(now)
	start := time.Date(lifeguard.SchoolYearOf(today), time.September, 3, 0, 0, 0, 0, time.UTC)
	span := int(now.Sub(start).Hours()/24) - 1
	plans := demoTeachingPlans(orgs)
	names := make([]string, 0, len(plans))
	for name := range plans {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p, m := plans[name], managers[name]
		if m == nil || orgs[name] == nil {
			continue
		}
		as := lifeguard.WithActor(ctx, actorOf(m))
		for gi, g := range p.groups {
			words := 1
			if k := lifeguard.KeyStage(g); k == "EYFS" || k == "KS1" || k == "KS2" {
				words = 0
			}
			for si, strand := range lifeguard.TeachingStrands() {
				if slices.Contains(p.gaps[g], strand) {
					continue
				}
				on := start
				if span > 0 {
					on = start.AddDate(0, 0, (gi*11+si*17)%span)
				}
				if _, err := s.Prevention.RecordTeaching(as, lifeguard.NewTeaching{YearGroup: g, Strand: strand,
					TaughtOn: day(on), Taught: demoLessons[strand][words], TaughtBy: p.by}); err != nil {
					return fmt.Errorf("%s: teaching: %w", name, err)
				}
			}
		}
		if p.full {
			if err := seedParentsAndAccess(as, s, name, today); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// seedParentsAndAccess records a Riverside setting's parents' sessions and
// communications, its access record and, for the primary school, its
// survey.
func seedParentsAndAccess(as context.Context, s Stores, name string, today lifeguard.Date) error {
	back := func(days int) lifeguard.Date { return lifeguard.DateOf(today.In(time.UTC).AddDate(0, 0, -days)) }
	contacts := []lifeguard.NewParentContact{
		{On: back(61), Topic: "Setting up parental controls on phones and consoles", Kind: lifeguard.ParentNewsletter, Reached: 640},
		{On: back(38), Topic: "Online safety at the autumn parents' evening", Kind: lifeguard.ParentMeeting, Reached: 212,
			Notes: "A stand with leaflets; the safeguarding lead answered questions on gaming chat."},
		{On: back(12), Topic: "Gaming, chat and who children talk to", Kind: lifeguard.ParentSession, Reached: 37},
	}
	if name == "Riverside College" {
		contacts = contacts[:1]
	}
	for _, c := range contacts {
		if _, err := s.Prevention.RecordParentContact(as, c); err != nil {
			return fmt.Errorf("parents: %w", err)
		}
	}
	if name == "Riverside Primary School" {
		if _, err := s.Prevention.RecordChildSurvey(as, lifeguard.NewChildSurvey{Title: "Our online lives",
			On: back(20), YearGroups: "Years 5 and 6", Respondents: 84,
			Findings: "Most play games online; a third chat with people they have not met. Plan: a lesson on " +
				"online friends in both years, and the gaming session for parents.",
			Questions: []lifeguard.SurveyQuestion{
				{Text: "Do you play games online?", Options: []lifeguard.SurveyOption{{Text: "Yes, most days", Count: 49},
					{Text: "Sometimes", Count: 26}, {Text: "No", Count: 9}}},
				{Text: "Have you chatted in a game with someone you have not met?", Options: []lifeguard.SurveyOption{
					{Text: "Yes", Count: 29}, {Text: "No", Count: 46}, {Text: "Not sure", Count: 9}}},
				{Text: "Who would you tell if something online upset you?", Options: []lifeguard.SurveyOption{
					{Text: "A parent or carer", Count: 51}, {Text: "A teacher", Count: 17}, {Text: "A friend", Count: 9},
					{Text: "Nobody", Count: 7}}},
			}}); err != nil {
			return fmt.Errorf("survey: %w", err)
		}
	}
	groups := []lifeguard.NewAccessGroup{
		{Name: "Pupils", Kind: lifeguard.AccessPupils, Members: "All pupils on roll", Devices: "Class laptops and tablets",
			HowGiven: "Own login made by the school", Agreement: lifeguard.AgreementPupils, FilterGroup: "pupils"},
		{Name: "Staff", Kind: lifeguard.AccessStaff, Members: "Teaching and support staff", Devices: "Staff laptops and own phones",
			HowGiven: "Own login; phones on the staff Wi-Fi", Agreement: lifeguard.AgreementStaff, FilterGroup: "staff"},
		{Name: "Guest Wi-Fi", Kind: lifeguard.AccessVisitors, Members: "Visitors, governors and contractors",
			Devices: "Their own devices", HowGiven: "A daily code from reception", Agreement: lifeguard.AgreementVisitors},
	}
	switch name {
	case "Riverside Academy":
		groups[0].Name, groups[0].Members, groups[0].Count = "Years 7 to 11", "Pupils in years 7 to 11", 1150
		groups = append(groups, lifeguard.NewAccessGroup{Name: "Sixth form", Kind: lifeguard.AccessPupils,
			Members: "Students in years 12 and 13", Count: 260, Devices: "Own phones and laptops",
			HowGiven: "Bring-your-own-device Wi-Fi with their own login", Agreement: lifeguard.AgreementPupils,
			FilterGroup: "sixth-form"})
	case "Riverside Primary School":
		groups[0].Count = 410
	case "Riverside College":
		groups = groups[1:]
	}
	for _, g := range groups {
		if _, err := s.Prevention.RecordAccessGroup(as, g); err != nil {
			return fmt.Errorf("access record: %w", err)
		}
	}
	return nil
}
