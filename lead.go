package lifeguard

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Each organisation's safeguarding and online-safety leads (issue 16 item
// 1): the partnership's directory names, for every organisation, who its
// designated safeguarding leads are and who leads on online safety, with
// work contacts, so that another agency or a school receiving a child's
// file knows whom to call. These are staff contact details, not children's
// data. The organisation's manager keeps its own; the partnership officer
// keeps any of the partnership's (OpKeepLeads). Every change is journaled.

// LeadKind is the part a lead plays for the organisation.
type LeadKind string

const (
	LeadDSL          LeadKind = "dsl"           // designated safeguarding lead
	LeadDeputyDSL    LeadKind = "deputy_dsl"    // deputy designated safeguarding lead
	LeadOnlineSafety LeadKind = "online_safety" // online-safety lead
)

// LeadKinds lists the kinds in the order pages show them.
func LeadKinds() []LeadKind { return []LeadKind{LeadDSL, LeadDeputyDSL, LeadOnlineSafety} }

// Label is the kind in words.
func (k LeadKind) Label() string {
	switch k {
	case LeadDSL:
		return "Designated safeguarding lead"
	case LeadDeputyDSL:
		return "Deputy designated safeguarding lead"
	case LeadOnlineSafety:
		return "Online-safety lead"
	}
	return string(k)
}

// Limits of a lead's fields, in characters.
const (
	MaxLeadName  = 200
	MaxLeadRole  = 200
	MaxLeadEmail = 254 // the longest address SMTP carries
	// MaxLeads is the most leads one organisation lists.
	MaxLeads = 20
)

// Lead is one lead of an organisation, as given.
type Lead struct {
	Kind  LeadKind `json:"kind"`
	Name  string   `json:"name"`
	Role  string   `json:"role"`
	Email string   `json:"email"`
	Phone string   `json:"phone"`
}

// OrganisationLead is a lead as kept, with its organisation.
type OrganisationLead struct {
	Lead
	OrganisationID int64     `json:"organisation_id"`
	Organisation   string    `json:"organisation"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// LeadsPath is the path a problem of lead i's field names.
func LeadsPath(i int, field string) string { return fmt.Sprintf("leads[%d].%s", i, field) }

// ValidateLeads checks an organisation's leads: each has a known kind, a
// name, a role, and a work email or phone to reach them by (both may be
// given); text is text every engine keeps. Every problem names its field
// (LeadsPath).
func ValidateLeads(leads []Lead) []Problem {
	var ps []Problem
	add := func(i int, field, format string, args ...any) {
		ps = append(ps, Problem{Path: LeadsPath(i, field), Problem: fmt.Sprintf(format, args...)})
	}
	if len(leads) > MaxLeads {
		ps = append(ps, Problem{Path: "leads", Problem: fmt.Sprintf("lists %d leads; an organisation lists at most %d", len(leads), MaxLeads)})
		return ps
	}
	text := func(i int, field, s string, max int, required bool) {
		switch {
		case TextProblem(s) != "":
			if pr := CheckText(LeadsPath(i, field), s); pr != nil {
				ps = append(ps, *pr)
			}
		case required && strings.TrimSpace(s) == "":
			add(i, field, "is required")
		case strings.TrimSpace(s) != s:
			add(i, field, "must not begin or end with spaces")
		case utf8.RuneCountInString(s) > max:
			add(i, field, "is %d characters long; the most allowed is %d", utf8.RuneCountInString(s), max)
		}
	}
	for i, l := range leads {
		switch l.Kind {
		case LeadDSL, LeadDeputyDSL, LeadOnlineSafety:
		case "":
			add(i, "kind", "is required: dsl, deputy_dsl or online_safety")
		default:
			if pr := CheckText(LeadsPath(i, "kind"), string(l.Kind)); pr != nil {
				ps = append(ps, *pr)
			} else {
				add(i, "kind", "must be dsl, deputy_dsl or online_safety")
			}
		}
		text(i, "name", l.Name, MaxLeadName, true)
		text(i, "role", l.Role, MaxLeadRole, true)
		text(i, "email", l.Email, MaxLeadEmail, false)
		if l.Email != "" && TextProblem(l.Email) == "" {
			if a, err := mail.ParseAddress(l.Email); err != nil || a.Address != l.Email || a.Name != "" {
				add(i, "email", "must be a work email address, such as dsl@school.example")
			}
		}
		if l.Phone != "" {
			if TextProblem(l.Phone) != "" {
				text(i, "phone", l.Phone, MaxPhone, false)
			} else if msg := PhoneProblem(l.Phone); msg != "" {
				add(i, "phone", "%s", msg)
			}
		}
		if l.Email == "" && l.Phone == "" {
			add(i, "email", "is required unless a phone number is given: how the lead is reached")
		}
	}
	return ps
}

// LeadStore keeps the organisations' leads: part of the directory, so the
// same store (sqlstore) keeps both.
//
// OrganisationLeads lists one organisation's leads, in the order given;
// PartnershipLeads lists every organisation's of the actor's partnership,
// by organisation. Any member of the partnership with OpReadLeads reads
// them (ENOTFOUND for an organisation beyond the actor's reach or of
// another partnership). SetOrganisationLeads replaces an organisation's
// leads with leads, checked by ValidateLeads (EINVALID with every problem);
// the organisation's manager, or the partnership officer or an
// administrator for any of the partnership's organisations (OpKeepLeads;
// EFORBIDDEN otherwise). The change is journaled with how many leads of
// each kind, never their names.
type LeadStore interface {
	OrganisationLeads(ctx context.Context, org int64) ([]OrganisationLead, error)
	PartnershipLeads(ctx context.Context) ([]OrganisationLead, error)
	SetOrganisationLeads(ctx context.Context, org int64, leads []Lead) ([]OrganisationLead, error)
}
