package lifeguard

import (
	"encoding/json"
	"regexp"
	"slices"
	"time"
)

// The internet access record (issue 17, item 7): who has access to the
// organisation's internet and devices, as groups (a class's pupils, the
// staff, visitors on the guest network), each with who is in it, the
// devices, how access is given and the agreement its members sign. Where
// the DNS filter is attached to the organisation, a group names the
// filter's group that holds its devices, so the record shows which filter
// policy applies to each group, and flags a group no filter covers.

// AccessGroupKind is whom a group of access is for.
type AccessGroupKind string

const (
	AccessPupils   AccessGroupKind = "pupils"
	AccessStaff    AccessGroupKind = "staff"
	AccessVisitors AccessGroupKind = "visitors"
)

// AccessGroupKinds lists the kinds in the order pages show them.
func AccessGroupKinds() []AccessGroupKind {
	return []AccessGroupKind{AccessPupils, AccessStaff, AccessVisitors}
}

// Label is the words for the kind.
func (k AccessGroupKind) Label() string {
	switch k {
	case AccessPupils:
		return "Pupils"
	case AccessStaff:
		return "Staff and volunteers"
	case AccessVisitors:
		return "Visitors"
	}
	return ""
}

// Valid reports whether k is a known kind.
func (k AccessGroupKind) Valid() bool { return k.Label() != "" }

// Limits of the access record's text.
const (
	MaxAccessText    = 500
	MaxAccessMembers = 100_000
)

// FilterGroupPattern is the shape of a group's name in the filter's
// policy (internal/filter/policy).
var FilterGroupPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// AccessGroup is one group of the access record. Filter is not kept: the
// store works it out from the organisation's filter policy when it reads
// the group.
type AccessGroup struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"organisation_id"`
	Name           string          `json:"name"`
	Kind           AccessGroupKind `json:"kind"`
	// Members says who is in the group, in words ("Years 5 and 6"), and
	// Count how many (0: not counted).
	Members string `json:"members"`
	Count   int    `json:"count"`
	// Devices are the devices the group uses; HowGiven how access is given
	// (own login, class iPads, guest Wi-Fi code).
	Devices  string `json:"devices"`
	HowGiven string `json:"how_given"`
	// Agreement is the acceptable use agreement its members sign before
	// access ("" when none is asked).
	Agreement PolicyKind `json:"agreement"`
	// FilterGroup is the group of the DNS filter's policy that holds the
	// group's devices ("": the filter's default group, if any).
	FilterGroup string       `json:"filter_group"`
	Filter      *FilterCover `json:"filter"`
	UpdatedBy   int64        `json:"updated_by"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// FilterCover is the filter policy that applies to an access group: the
// filter's group, whether it applies as the filter's default group, and
// the categories it blocks (illegal content is always blocked too).
type FilterCover struct {
	Group      string   `json:"group"`
	Default    bool     `json:"default"`
	Categories []string `json:"categories"`
}

// NewAccessGroup is the input of an access group, new or edited.
type NewAccessGroup struct {
	Name        string          `json:"name"`
	Kind        AccessGroupKind `json:"kind"`
	Members     string          `json:"members"`
	Count       int             `json:"count"`
	Devices     string          `json:"devices"`
	HowGiven    string          `json:"how_given"`
	Agreement   PolicyKind      `json:"agreement"`
	FilterGroup string          `json:"filter_group"`
}

// AccessRecord is an organisation's access record: its groups, whether a
// DNS filter policy is attached to it, and the filter's groups (for
// choosing one).
type AccessRecord struct {
	OrganisationID int64         `json:"organisation_id"`
	FilterAttached bool          `json:"filter_attached"`
	FilterGroups   []string      `json:"filter_groups"`
	Groups         []AccessGroup `json:"groups"`
}

// Unfiltered counts the groups no filter policy covers.
func (r *AccessRecord) Unfiltered() int {
	n := 0
	for _, g := range r.Groups {
		if g.Filter == nil {
			n++
		}
	}
	return n
}

// FilterGroups reads the group names of a DNS filter policy document (the
// JSON form of internal/filter/policy.Config) and what each blocks: only
// "groups" and "default_group" are read, and a document without them has
// no groups. The server stores the document as the filter reads it and
// does not otherwise look inside.
func FilterGroups(doc []byte) (groups map[string][]string, defaultGroup string) {
	var c struct {
		Groups map[string]struct {
			Categories []string `json:"categories"`
		} `json:"groups"`
		DefaultGroup string `json:"default_group"`
	}
	groups = map[string][]string{}
	if json.Unmarshal(doc, &c) != nil {
		return groups, ""
	}
	for name, g := range c.Groups {
		groups[name] = slices.Clone(g.Categories)
	}
	if _, ok := groups[c.DefaultGroup]; !ok {
		c.DefaultGroup = ""
	}
	return groups, c.DefaultGroup
}

// Cover is the filter policy that applies to a group whose filter group
// is name, in a policy of groups and defaultGroup; nil when none does.
func Cover(groups map[string][]string, defaultGroup, name string) *FilterCover {
	if cats, ok := groups[name]; ok && name != "" {
		return &FilterCover{Group: name, Categories: cats}
	}
	if name == "" && defaultGroup != "" {
		return &FilterCover{Group: defaultGroup, Default: true, Categories: groups[defaultGroup]}
	}
	return nil
}
