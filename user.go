package lifeguard

import (
	"context"
	"time"
)

// Role is what a user may do. Every user has one role in one organisation.
type Role string

const (
	RoleStaff       Role = "staff"       // records concerns; sees and adds to what they reported
	RoleDSL         Role = "dsl"         // designated safeguarding lead: works the organisation's concerns
	RoleManager     Role = "manager"     // manager or online-safety lead: audits; reports like staff
	RolePartnership Role = "partnership" // partnership officer: aggregates only, never a single concern
	RoleAdmin       Role = "admin"       // users and organisations; reads no concern text
	// RoleFilter is a DNS filter's account (see filter.go): it reads its
	// organisation's filter policy and sends blocked attempts, review
	// requests and worries, and can do nothing else. It never signs in to
	// the pages; it has API tokens only.
	RoleFilter Role = "filter"
	// RoleMonitor is a monitoring device's account (see monitor.go): it
	// reads its organisation's monitoring settings and sends captures, and
	// can do nothing else. Like a filter, it has API tokens only.
	RoleMonitor Role = "monitor"
)

// Roles lists the roles in order of the pages that show them.
func Roles() []Role {
	r := roleOrder
	return r[:]
}

// roleOrder is the order of Roles, which is also the order of the access
// table's columns; an array, so that finding a column on every access
// check allocates nothing.
var roleOrder = [...]Role{RoleStaff, RoleDSL, RoleManager, RolePartnership, RoleAdmin, RoleFilter, RoleMonitor}

// roleWords name someone by their role, as a chronology says who did what.
var roleWords = map[Role]string{
	RoleStaff:       "a member of staff",
	RoleDSL:         "a safeguarding lead",
	RoleManager:     "a manager",
	RolePartnership: "a partnership officer",
	RoleAdmin:       "an administrator",
	RoleMonitor:     "a monitoring device",
}

// Label names someone by the role, with its article ("a safeguarding
// lead"), to stand in a sentence; the code itself when there are no words.
func (r Role) Label() string { return wordsFor(roleWords, r) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleStaff, RoleDSL, RoleManager, RolePartnership, RoleAdmin, RoleFilter, RoleMonitor:
		return true
	}
	return false
}

// Partnership is a local Safeguarding Children Partnership: the organisations
// that share a procedure and report to one board.
type Partnership struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Organisation is a school, social care team, police unit, health service or
// other member of a partnership. Setting is its kind, as in the facts.
type Organisation struct {
	ID            int64   `json:"id"`
	PartnershipID int64   `json:"partnership_id"`
	Name          string  `json:"name"`
	Setting       Setting `json:"setting"`
	// ProvidesInternet marks organisations that give children internet access
	// on their own devices or network (the audit's (E) aspects apply).
	ProvidesInternet bool `json:"provides_internet"`
	// SafeguardingPhone is the number a member of staff rings to reach
	// the organisation's safeguarding lead (or deputy) when a concern
	// cannot wait; empty when the organisation has not given one. The
	// confirmation after a report gives it (see PhoneProblem).
	SafeguardingPhone string `json:"safeguarding_phone"`
	// ChildrenCount is the number of children the organisation serves
	// (pupils on roll, children on its caseload), as its manager or an
	// administrator gave it on ChildrenCountAt; nil when not given. The
	// board report gives concerns per 1,000 children by type of
	// organisation only where every organisation of the type has given it.
	ChildrenCount   *int64     `json:"children_count,omitempty"`
	ChildrenCountAt *time.Time `json:"children_count_at,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
}

// MaxChildrenCount is the largest number of children an organisation may
// give: more than any one organisation serves, so that a mistyped number
// is refused rather than counted.
const MaxChildrenCount = 1_000_000

// ChildrenCountProblem says what is wrong with a number of children, or ""
// when it is one an organisation may give (1 to MaxChildrenCount).
func ChildrenCountProblem(n int64) string {
	if n < 1 || n > MaxChildrenCount {
		return "must be a whole number from 1 to 1,000,000"
	}
	return ""
}

// User is a person who signs in. The password hash and second-factor secret
// live only in the store and the auth package, never in this type.
type User struct {
	ID             int64  `json:"id"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	Role           Role   `json:"role"`
	OrganisationID int64  `json:"organisation_id"`
	PartnershipID  int64  `json:"partnership_id"`
	Disabled       bool   `json:"disabled"`
	// Deputy marks a deputy safeguarding lead: a user of role dsl who
	// deputises for the lead. Only that role can be a deputy; for the
	// store, the organisation's leads and deputies alike are its enabled
	// users of role dsl.
	Deputy       bool       `json:"deputy"`
	CreatedAt    time.Time  `json:"created_at"`
	LastSignInAt *time.Time `json:"last_sign_in_at"`
}

// Actor is the user on whose behalf a call runs. Stores read it from the
// context and enforce access from it, so that no handler can forget a check.
type Actor struct {
	UserID         int64
	Role           Role
	OrganisationID int64
	PartnershipID  int64
	// Via says how the actor authenticated, for the journal: "session",
	// "token", or "system" for Lifeguard's own jobs and commands.
	Via string
}

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemActor is Lifeguard itself, for migrations, the demo seed and command
// line tools an operator runs on the server. It passes every access check and
// is journaled as "system".
func SystemActor() *Actor { return &Actor{Role: RoleAdmin, Via: "system"} }

// IsSystem reports whether a is Lifeguard itself.
func (a *Actor) IsSystem() bool { return a != nil && a.Via == "system" }
