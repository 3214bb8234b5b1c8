package demo

import (
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// story is a kind of concern the demo records, with facts that vary a
// little each time. The descriptions are invented and name nobody.
type story struct {
	name   string
	weight int
	minAge int // the youngest child it makes sense for
	facts  func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts
}

func stories() []story {
	base := func(o orgSpec, at time.Time, rng *rand.Rand, role lifeguard.ChildRole, desc string, types ...lifeguard.ConcernType) lifeguard.Facts {
		age := o.ages[0] + rng.IntN(o.ages[1]-o.ages[0]+1)
		f := lifeguard.Facts{ReportedAt: at, Setting: o.setting, Description: desc, ChildRole: role, ConcernTypes: types,
			Child: &lifeguard.ChildFacts{Age: &age}}
		if rng.IntN(8) == 0 {
			f.Child.Vulnerabilities = []lifeguard.Vulnerability{[]lifeguard.Vulnerability{"send", "looked_after", "child_in_need", "mental_health", "isolated", "young_carer"}[rng.IntN(6)]}
		}
		occurred := at.Add(-time.Duration(1+rng.IntN(72)) * time.Hour)
		f.OccurredAt = &occurred
		return f
	}
	yes := func(rng *rand.Rand, in int) bool { return rng.IntN(in) == 0 }
	return []story{
		{"cyberbullying", 30, 8, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A pupil showed a member of staff messages in a class group chat calling them names and telling them nobody wants them there.", "cyberbullying")
			f.Parties.PeerInvolved = true
			f.Details.Repeated = yes(rng, 2)
			f.Details.Platform = []string{"WhatsApp", "Snapchat", "Instagram", "a game's chat"}[rng.IntN(4)]
			f.Details.HateMotivated = yes(rng, 8)
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"nudes between peers", 14, 12, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A young person said they had sent a semi-nude photo to another pupil, who has shown it to friends.", "nudes_sharing")
			f.Parties.PeerInvolved = true
			f.Images = lifeguard.Images{Involved: true, SelfGenerated: true, MaliciousSharing: yes(rng, 3), Online: yes(rng, 4)}
			f.Details.Coercion = yes(rng, 5)
			f.Risk.SignificantHarm = []lifeguard.SignificantHarm{"no", "unsure"}[rng.IntN(2)]
			return f
		}},
		{"grooming in a game", 8, 9, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A child said someone they met in an online game has been sending gifts and asked them to move to a private app and keep it secret.", "grooming")
			f.Parties.AdultInvolved = yes(rng, 2)
			f.Parties.UnknownInvolved = !f.Parties.AdultInvolved
			f.Details.MeetingArranged = yes(rng, 6)
			f.Risk.ImmediateDanger = f.Details.MeetingArranged && yes(rng, 2)
			f.Risk.SignificantHarm = "yes"
			return f
		}},
		{"sextortion", 5, 13, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A young person is being told to pay money or an image they sent will be shared with their followers.", "sextortion")
			f.Parties.UnknownInvolved = true
			f.Images = lifeguard.Images{Involved: true, SelfGenerated: true, Online: yes(rng, 3)}
			f.Details.Coercion, f.Details.Threats = true, true
			f.Risk.SignificantHarm = "yes"
			return f
		}},
		{"self-harm content", 8, 11, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A pupil told a teacher their feed is full of self-harm videos and that they have been thinking about hurting themselves.", "self_harm")
			f.Risk.RiskToLife = yes(rng, 6)
			f.Details.EncouragedByOther = yes(rng, 5)
			f.Risk.SignificantHarm = []lifeguard.SignificantHarm{"unsure", "yes", "no"}[rng.IntN(3)]
			if f.Risk.RiskToLife {
				f.Risk.SignificantHarm = "yes"
			}
			return f
		}},
		{"pornography on our network", 6, 7, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A group of children were seen looking at pornography on a classroom laptop during a lesson.", "pornography", "inappropriate_access")
			f.Details.OnOrganisationNetwork = true
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"scam", 6, 10, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A young person paid for a games console advertised online and received nothing; the seller has blocked them.", "scams_fraud")
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"radicalisation", 3, 12, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "Staff noticed a pupil repeating extremist views and sharing videos from an extremist channel.", "radicalisation", "extremist_content")
			f.Risk.SignificantHarm = "unsure"
			return f
		}},
		{"problematic gaming", 6, 6, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A child is arriving exhausted and says they play games online until early morning most nights.", "problematic_use")
			f.Risk.AdditionalNeeds = yes(rng, 2)
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"oversharing", 5, 2, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "Photos showing the child in uniform with their location tagged have been posted publicly.", "oversharing")
			f.Images = lifeguard.Images{Involved: true, Online: true}
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"online hate", 4, 10, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A pupil received racist messages from an account that follows the school's pupils.", "hate")
			f.Parties.UnknownInvolved = true
			f.Details.HateMotivated = true
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"drugs offered", 3, 13, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A young person was offered cannabis through a social media account that posts menus.", "drugs")
			f.Details.Supply = yes(rng, 3)
			f.Risk.SignificantHarm = "unsure"
			return f
		}},
		{"loot boxes", 3, 9, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A child spent a large amount of a parent's money on loot boxes in a game.", "gambling")
			f.Risk.SignificantHarm = "no"
			f.Risk.AdditionalNeeds = yes(rng, 3)
			return f
		}},
		{"hacking", 2, 12, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "perpetrator", "A pupil accessed other pupils' accounts on the learning platform using guessed passwords.", "cybercrime")
			f.Details.OnOrganisationNetwork = true
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"cyberflashing", 3, 11, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A pupil was sent an unwanted explicit image by another pupil over a nearby-sharing feature.", "sexual_harassment")
			f.Parties.PeerInvolved = true
			f.Images.Involved = true
			f.Risk.SignificantHarm = "no"
			return f
		}},
		{"county lines", 2, 13, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := base(o, at, rng, "victim", "A young person has been messaged by older teenagers offering money to carry packages.", "criminal_exploitation")
			f.Parties.UnknownInvolved = true
			f.Risk.SignificantHarm = "yes"
			return f
		}},
		{"staff private contact", 2, 0, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			return lifeguard.Facts{ReportedAt: at, Setting: o.setting, ConcernTypes: []lifeguard.ConcernType{"staff_conduct"},
				Description: "A parent reported that a member of staff has been messaging their child from a personal account.",
				Staff:       lifeguard.Staff{PrivateContact: true, PosesRisk: yes(rng, 2)}}
		}},
		{"staff targeted", 2, 0, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			return lifeguard.Facts{ReportedAt: at, Setting: o.setting, ConcernTypes: []lifeguard.ConcernType{"professional_targeted"},
				Description: "A fake account using a teacher's photo is posting insulting content about them."}
		}},
	}
}

// storyNamed returns the story of that name; the first story when there
// is none, which only a change to the list would cause.
func storyNamed(name string) story {
	for _, s := range stories() {
		if s.name == name {
			return s
		}
	}
	return stories()[0]
}

func pickStory(rng *rand.Rand) story {
	all := stories()
	total := 0
	for _, s := range all {
		total += s.weight
	}
	n := rng.IntN(total)
	for _, s := range all {
		if n < s.weight {
			return s
		}
		n -= s.weight
	}
	return all[0]
}
