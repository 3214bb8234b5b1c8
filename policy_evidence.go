package lifeguard

import (
	"fmt"
	"strings"
	"time"
)

// What the policy library says to the self-audit (issue 17, item 8): the
// register's current figures beside the aspects they evidence, and the
// level they suggest. Figures are counts only, so the partnership may read
// them with the audit's levels.

// PolicyFigures is an organisation's policy library in counts.
type PolicyFigures struct {
	// Policy is the online-safety policy's current version: 0 when it has
	// none; Approved its approval date and ReviewDue its review date.
	Policy    int   `json:"policy_version"`
	Approved  *Date `json:"policy_approved_on"`
	ReviewDue *Date `json:"policy_review_due"`
	// StaffVersion is the staff agreement's current version (0: none);
	// StaffAgreed of StaffTotal enabled users have agreed to it.
	StaffVersion int `json:"staff_agreement_version"`
	StaffAgreed  int `json:"staff_agreed"`
	StaffTotal   int `json:"staff_total"`
	// PupilAgreements counts the pupils' agreements with a version;
	// ChildrenAgreed of ChildrenOnRoll children have agreed to the
	// current version of at least one of them.
	PupilAgreements int `json:"pupil_agreements"`
	ChildrenAgreed  int `json:"children_agreed"`
	ChildrenOnRoll  int `json:"children_on_roll"`
}

// Evidence aspects of the baseline framework that the policy library
// speaks to (internal/framework/framework.yaml).
const (
	AspectPolicy     = "L2" // an online-safety policy reviewed within 12 months
	AspectAgreements = "L3" // acceptable use agreements signed, with a record of who agreed
)

// RegisterEvidence is the line shown beside an aspect and the level the
// figures suggest (0: no suggestion), for the aspects the library speaks
// to; ok is false for any other aspect. A suggestion never goes above 3:
// level 4 needs the effect measured, which counts cannot show.
func (f *PolicyFigures) RegisterEvidence(aspect string, setting Setting, today Date) (line string, suggest Level, ok bool) {
	switch aspect {
	case AspectPolicy:
		if f.Policy == 0 {
			return "No online-safety policy in the policy library yet.", LevelNotInPlace, true
		}
		line = fmt.Sprintf("Online-safety policy v%d", f.Policy)
		if f.Approved != nil {
			line += ", approved " + f.Approved.String()
		}
		stale := f.Approved != nil && f.Approved.Before(DateOf(today.In(time.UTC).AddDate(-1, 0, 0)))
		overdue := f.ReviewDue != nil && f.ReviewDue.Before(today)
		switch {
		case overdue:
			return line + "; review overdue since " + f.ReviewDue.String() + ".", LevelDeveloping, true
		case stale:
			return line + ": approved more than 12 months ago.", LevelDeveloping, true
		}
		if f.ReviewDue != nil {
			line += "; review by " + f.ReviewDue.String()
		}
		return line + ".", LevelEstablished, true
	case AspectAgreements:
		if f.StaffVersion == 0 {
			return "No staff acceptable use agreement in the policy library yet.", LevelNotInPlace, true
		}
		parts := []string{fmt.Sprintf("staff agreement v%d: %d of %d staff", f.StaffVersion, f.StaffAgreed, f.StaffTotal)}
		school := setting == "school"
		if school {
			parts = append(parts, fmt.Sprintf("pupils' agreements: %d of %d children on roll", f.ChildrenAgreed, f.ChildrenOnRoll))
		}
		line = strings.Join(parts, "; ") + "."
		staffShare := f.StaffTotal > 0 && f.StaffAgreed*10 >= f.StaffTotal*9
		pupils := !school || f.PupilAgreements > 0 && (f.ChildrenOnRoll == 0 || f.ChildrenAgreed*10 >= f.ChildrenOnRoll*9)
		if staffShare && pupils {
			return line, LevelEstablished, true
		}
		return line, LevelDeveloping, true
	}
	return "", 0, false
}
