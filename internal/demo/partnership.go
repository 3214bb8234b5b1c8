package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The rest of the partnership: the organisations that make the demo the
// size of a real area's half year, beyond the few whose people have demo
// logins. A local authority area of some 60,000 children has about thirty
// primary and a handful of secondary schools, a college or two, early years
// settings, and one of each statutory agency; schools record most online
// safety concerns, because that is where children spend their day and
// where staff are trained to notice. Their concerns are recorded and
// worked through the same stores as the stories', more briefly (bulk.go).

// primaries and secondaries are the schools' names; every name is invented.
var primaries = []string{"Ashby Lane", "Beacon Hill", "Brookfield", "Castle Mead", "Church Street", "Cobden",
	"Elmtree", "Fairfield", "Foxhollow", "Greenway", "Hartley", "Hollybush", "Kingsmead", "Larkspur",
	"Meadowbank", "Millbrook", "Northgate", "Oakwood", "Orchard Vale", "Queensway", "St Anne's C of E",
	"St Joseph's Catholic", "Sandfield", "Thornbury", "Westfield"}

var secondaries = []string{"Ashby Lane High School", "Castlegate School", "Northgate Academy",
	"St Joseph's Catholic High School", "Westfield Community School", "Kingsmead School",
	"Riverside Studio School"}

// bulkSpecs are the organisations of the rest of the partnership, with
// their share of its concerns and the number of children each serves:
// children 0 when it has not given one (the health services, which serve
// the whole area, and a football club), so that the board report shows a
// type without a rate and says why.
func bulkSpecs() []bulkSpec {
	var out []bulkSpec
	for i, name := range primaries {
		children := 210 + (i*37)%240
		out = append(out, bulkSpec{orgSpec{name + " Primary School", "school", true, [2]int{5, 11}, 6 + i%5, fmt.Sprintf("P%02d", i)}, children})
	}
	for i, name := range secondaries {
		children := 950 + (i*173)%600
		out = append(out, bulkSpec{orgSpec{name, "school", true, [2]int{11, 17}, 55 + (i*7)%25, fmt.Sprintf("S%02d", i)}, children})
	}
	return append(out, []bulkSpec{
		{orgSpec{"Kingsmead Sixth Form College", "college", true, [2]int{16, 17}, 30, "KC"}, 1800},
		{orgSpec{"Northgate College of Further Education", "college", true, [2]int{16, 17}, 45, "NC"}, 2900},
		{orgSpec{"Busy Bees Day Nursery", "early_years", true, [2]int{2, 4}, 2, "BB"}, 62},
		{orgSpec{"Hollybush Pre-School", "early_years", false, [2]int{2, 4}, 1, "HB"}, 38},
		{orgSpec{"Sandfield Children's Centre Nursery", "early_years", true, [2]int{2, 4}, 2, "SC"}, 75},
		{orgSpec{"Riverside Child and Adolescent Mental Health Service", "health", false, [2]int{10, 17}, 25, "CMH"}, 0},
		{orgSpec{"Riverside School Nursing Team", "health", false, [2]int{5, 17}, 18, "SN"}, 0},
		{orgSpec{"Riverside Hospital Children's Emergency Department", "health", false, [2]int{5, 17}, 12, "ED"}, 0},
		{orgSpec{"Northgate Youth Club", "youth_service", true, [2]int{11, 17}, 14, "NYC"}, 240},
		{orgSpec{"Riverside Youth Justice Service", "youth_justice", false, [2]int{12, 17}, 30, "YJ"}, 160},
		{orgSpec{"Riverside Probation Delivery Unit", "probation", false, [2]int{16, 17}, 8, "PRB"}, 0},
		{orgSpec{"Riverside Scouts and Guides District", "voluntary", false, [2]int{8, 17}, 6, "SG"}, 900},
		{orgSpec{"Fairfield Community Football Club", "voluntary", false, [2]int{7, 16}, 5, "FC"}, 0},
		{orgSpec{"Riverside Young Carers Project", "voluntary", false, [2]int{8, 17}, 9, "YC"}, 120},
	}...)
}

// bulkSpec is an organisation of the rest of the partnership and the
// number of children it serves, 0 when unknown.
type bulkSpec struct {
	orgSpec
	children int
}

// storyChildren are the children's counts of the stories' organisations,
// 0 when unknown: the police and social care serve the whole area, and a
// rate per child of their own does not apply.
func storyChildren() map[string]int {
	return map[string]int{
		"Riverside Academy":          1450,
		"Riverside Primary School":   420,
		"Riverside College":          2200,
		"Little Acorns Nursery":      48,
		"Riverside Youth Service":    650,
		"Riverside Community Health": 0,
	}
}

// storyBulkShares are the shares of the rest of the partnership's
// concerns that the stories' agencies record too; Riverside Academy and
// Riverside Primary School keep only their stories, so that their demo
// inboxes stay as the README describes them.
func storyBulkShares() []storyShare {
	return []storyShare{
		{"Riverside Children's Social Care", 60},
		{"Riverside Police Safeguarding Hub", 45},
		{"Riverside College", 25},
		{"Riverside Community Health", 15},
		{"Riverside Youth Service", 10},
	}
}

type storyShare struct {
	name  string
	share int
}

// moreStories are kinds of concern that the stories do not tell and a real
// partnership records in a half year, told only in the rest of the
// partnership's concerns (the stories draw from stories() alone, so the
// demo logins' records stay as they were).
func moreStories() []story {
	base := stories()[0].facts // for the child's age and the times
	with := func(rng *rand.Rand, o orgSpec, at time.Time, desc string, types ...lifeguard.ConcernType) lifeguard.Facts {
		f := base(rng, o, at)
		f.Description, f.ConcernTypes = desc, types
		f.Parties = lifeguard.Parties{}
		f.Details = lifeguard.Details{}
		f.Risk.SignificantHarm = "no"
		return f
	}
	return []story{
		{"sexual messages from an adult", 5, 10, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := with(rng, o, at, "A child showed staff sexual messages sent to them by an adult they know only online.", "sexual_communication")
			f.Parties.AdultInvolved = true
			f.Risk.SignificantHarm = "yes"
			return f
		}},
		{"live streaming", 3, 9, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := with(rng, o, at, "A child has been live streaming from their bedroom and strangers are asking them to do things on camera.", "live_streaming")
			f.Parties.UnknownInvolved = true
			f.Risk.SignificantHarm = "unsure"
			return f
		}},
		{"threats", 4, 11, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			f := with(rng, o, at, "A young person is being sent messages threatening to hurt them after school.", "threats_harassment")
			f.Parties.PeerInvolved = true
			return f
		}},
		{"violent video", 3, 8, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			return with(rng, o, at, "A video of a violent fight has been shared round a year group's chat.", "violent_content")
		}},
		{"misinformation", 2, 11, func(rng *rand.Rand, o orgSpec, at time.Time) lifeguard.Facts {
			return with(rng, o, at, "A pupil is frightened by a viral video claiming a disaster will happen next week.", "misinformation")
		}},
	}
}

// pickBulkStory draws a story from the stories and moreStories.
func pickBulkStory(rng *rand.Rand) story {
	all := append(stories(), moreStories()...)
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
