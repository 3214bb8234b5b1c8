package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.PolicyStore = (*DB)(nil)

// The policy library and agreements (lifeguard.PolicyStore). Policies are
// about the organisation's work, not about children: they are not
// journaled. Agreements recorded for children, and the lists of children
// who have and have not agreed, name children, so those writes and reads
// are journaled against the policy with counts only.

const jPolicy = "policy"

func errNoPolicy() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such policy.") }

// policyNear is how near policy p is to a for op: a model policy (no
// organisation) is the partnership's, published to every organisation of
// it, so to read it is as near as the reader's own organisation's; an
// organisation's own policy is that organisation's and nobody else's, so
// a partnership officer does not reach it.
func policyNear(a *lifeguard.Actor, op lifeguard.Op, p *lifeguard.Policy) lifeguard.Reach {
	if p.OrganisationID == 0 {
		near := a.Near(0, 0, p.PartnershipID)
		if op == lifeguard.OpReadPolicies && near == lifeguard.ReachPartnership {
			return lifeguard.ReachOrganisation
		}
		return near
	}
	return a.Near(0, p.OrganisationID, 0)
}

// checkPolicy decides whether a may do op to p: ENOTFOUND unless a may
// read it, EFORBIDDEN when a reads it but op does not reach it.
func checkPolicy(a *lifeguard.Actor, op lifeguard.Op, p *lifeguard.Policy) error {
	switch {
	case a.May(op).Covers(policyNear(a, op, p)):
		return nil
	case a.May(lifeguard.OpReadPolicies).Covers(policyNear(a, lifeguard.OpReadPolicies, p)):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead keeps its policies.")
	}
	return errNoPolicy()
}

const policyColumns = `id, partnership_id, organisation_id, kind, age_group, title, review_due, adopted_from, created_at`

func scanPolicy(scan func(...any) error) (*lifeguard.Policy, error) {
	var p lifeguard.Policy
	var org, from sql.NullInt64
	var kind string
	var review sql.NullString
	var created int64
	if err := scan(&p.ID, &p.PartnershipID, &org, &kind, &p.AgeGroup, &p.Title, &review, &from, &created); err != nil {
		return nil, err
	}
	p.OrganisationID, p.AdoptedFrom, p.Kind, p.CreatedAt = org.Int64, from.Int64, lifeguard.PolicyKind(kind), fromMicros(created)
	if review.Valid {
		d, err := lifeguard.ParseDate(review.String)
		if err != nil {
			return nil, fmt.Errorf("policy %d: review date: %w", p.ID, err)
		}
		p.ReviewDue = &d
	}
	p.Versions = []lifeguard.PolicyVersion{}
	return &p, nil
}

// fillVersions reads the versions of the policies given, oldest first.
func fillVersions(ctx context.Context, tx *tx, list []*lifeguard.Policy) error {
	for _, p := range list {
		err := each(ctx, tx, `SELECT id, policy_id, number, body, link, approved_by, approved_on, created_by, created_at
			FROM policy_versions WHERE policy_id = ? ORDER BY number`, []any{p.ID}, func(scan func(...any) error) error {
			var v lifeguard.PolicyVersion
			var on string
			var by sql.NullInt64
			var at int64
			if err := scan(&v.ID, &v.PolicyID, &v.Number, &v.Text, &v.Link, &v.ApprovedBy, &on, &by, &at); err != nil {
				return err
			}
			d, err := lifeguard.ParseDate(on)
			if err != nil {
				return fmt.Errorf("policy version %d: %w", v.ID, err)
			}
			v.ApprovedOn, v.CreatedBy, v.CreatedAt = d, by.Int64, fromMicros(at)
			p.Versions = append(p.Versions, v)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// readPolicy reads one policy whole, checking a may do op to it.
func readPolicy(ctx context.Context, tx *tx, a *lifeguard.Actor, op lifeguard.Op, id int64) (*lifeguard.Policy, error) {
	p, err := scanPolicy(tx.row(ctx, `SELECT `+policyColumns+` FROM policies WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoPolicy()
	}
	if err != nil {
		return nil, err
	}
	if err := checkPolicy(a, op, p); err != nil {
		return nil, err
	}
	return p, fillVersions(ctx, tx, []*lifeguard.Policy{p})
}

// Policies lists an organisation's policies, or the partnership's models.
func (db *DB) Policies(ctx context.Context, organisationID int64) ([]lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var list []*lifeguard.Policy
	err = db.inRead(ctx, "policies", func(tx *tx) error {
		where, arg := `organisation_id = ?`, any(organisationID)
		probe := &lifeguard.Policy{OrganisationID: organisationID, PartnershipID: a.PartnershipID}
		if organisationID == 0 {
			where, arg = `organisation_id IS NULL AND partnership_id = ?`, any(a.PartnershipID)
		} else {
			o, err := auditOrg(ctx, tx, organisationID)
			if err != nil {
				return err
			}
			probe.PartnershipID = o.PartnershipID
		}
		if err := checkPolicy(a, lifeguard.OpReadPolicies, probe); err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
				return errNoOrganisation()
			}
			return err
		}
		if err := each(ctx, tx, `SELECT `+policyColumns+` FROM policies WHERE `+where+` ORDER BY kind, age_group, id`,
			[]any{arg}, func(scan func(...any) error) error {
				p, err := scanPolicy(scan)
				if err == nil {
					list = append(list, p)
				}
				return err
			}); err != nil {
			return err
		}
		return fillVersions(ctx, tx, list)
	})
	if err != nil {
		return nil, err
	}
	out := make([]lifeguard.Policy, 0, len(list))
	for _, k := range lifeguard.PolicyKinds() {
		for _, p := range list {
			if p.Kind == k {
				out = append(out, *p)
			}
		}
	}
	return out, nil
}

// Policy returns one policy with its versions.
func (db *DB) Policy(ctx context.Context, id int64) (*lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Policy
	err = db.inRead(ctx, "policy", func(tx *tx) error {
		out, err = readPolicy(ctx, tx, a, lifeguard.OpReadPolicies, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *problems) policy(in *lifeguard.NewPolicy) {
	in.Title, in.AgeGroup = strings.TrimSpace(in.Title), strings.TrimSpace(in.AgeGroup)
	switch {
	case in.Kind == "":
		p.add("kind", "is required: online_safety, aup_staff, aup_pupils, aup_visitors or aup_parents")
	case !in.Kind.Valid():
		p.add("kind", "%q is not a kind of policy; use online_safety, aup_staff, aup_pupils, aup_visitors or aup_parents", in.Kind)
	}
	p.text("title", in.Title, lifeguard.MaxShortText, true)
	p.text("age_group", in.AgeGroup, lifeguard.MaxAgeGroup, in.Kind == lifeguard.AgreementPupils)
	if in.Kind != lifeguard.AgreementPupils && in.AgeGroup != "" && lifeguard.TextProblem(in.AgeGroup) == "" {
		p.add("age_group", "is only for a pupils' agreement")
	}
	if in.ReviewDue != nil && !realDate(*in.ReviewDue) {
		p.add("review_due", "must be a real date as YYYY-MM-DD")
	}
}

func (p *problems) version(in *lifeguard.NewPolicyVersion) {
	in.Text, in.Link, in.ApprovedBy = strings.TrimSpace(in.Text), strings.TrimSpace(in.Link), strings.TrimSpace(in.ApprovedBy)
	p.text("text", in.Text, lifeguard.MaxPolicyText, false)
	p.text("link", in.Link, lifeguard.MaxPolicyLink, false)
	if in.Link != "" && lifeguard.TextProblem(in.Link) == "" {
		if u, err := url.Parse(in.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("link", "must be a web address starting https://")
		}
	}
	if in.Text == "" && in.Link == "" {
		p.add("text", "is required unless a link to the text is given")
	}
	p.text("approved_by", in.ApprovedBy, lifeguard.MaxShortText, true)
	if !realDate(in.ApprovedOn) {
		p.add("approved_on", "is required: the date it was approved, as YYYY-MM-DD")
	}
	if in.ReviewDue != nil && !realDate(*in.ReviewDue) {
		p.add("review_due", "must be a real date as YYYY-MM-DD")
	}
}

func dateArg(d *lifeguard.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// CreatePolicy starts a policy of the actor's organisation, or a model
// policy of the partnership when the actor is a partnership officer.
func (db *DB) CreatePolicy(ctx context.Context, in lifeguard.NewPolicy) (*lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.PartnershipID == 0 {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "A policy is started by a user of the partnership.")
	}
	if !a.Can(lifeguard.OpKeepPolicies) {
		// A new policy is no record whose existence could leak: a role
		// without the rule is refused, not told there is no such policy.
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a manager or safeguarding lead keeps the organisation's policies.")
	}
	probe := &lifeguard.Policy{PartnershipID: a.PartnershipID, OrganisationID: a.OrganisationID}
	if a.May(lifeguard.OpKeepPolicies) == lifeguard.ReachPartnership {
		probe.OrganisationID = 0 // a partnership officer keeps the models
	}
	if err := checkPolicy(a, lifeguard.OpKeepPolicies, probe); err != nil {
		return nil, err
	}
	var p problems
	p.policy(&in)
	if err := p.err("The policy is not valid"); err != nil {
		return nil, err
	}
	var out *lifeguard.Policy
	err = db.inWrite(ctx, "create policy", func(tx *tx) error {
		out, err = insertPolicy(ctx, tx, a, db.now(), probe.OrganisationID, in, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertPolicy(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, org int64, in lifeguard.NewPolicy,
	from int64) (*lifeguard.Policy, error) {
	if org != 0 {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM policies WHERE organisation_id = ? AND kind = ? AND age_group = ?`,
			org, string(in.Kind), in.AgeGroup).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, lifeguard.Errorf(lifeguard.ECONFLICT,
				"Your organisation already has a policy of this kind%s: add a new version to it.", ageWords(in.AgeGroup))
		}
	}
	id, err := tx.insert(ctx, `INSERT INTO policies (partnership_id, organisation_id, kind, age_group, title, review_due,
		adopted_from, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.PartnershipID, nullID(org),
		string(in.Kind), in.AgeGroup, in.Title, dateArg(in.ReviewDue), nullID(from), nullID(a.UserID), micros(now))
	if err != nil {
		return nil, err
	}
	return readPolicy(ctx, tx, a, lifeguard.OpKeepPolicies, id)
}

func ageWords(g string) string {
	if g == "" {
		return ""
	}
	return " for " + g
}

// AddPolicyVersion adds the next version of a policy.
func (db *DB) AddPolicyVersion(ctx context.Context, policyID int64, in lifeguard.NewPolicyVersion) (*lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Policy
	err = db.inWrite(ctx, "add policy version", func(tx *tx) error {
		pol, err := readPolicy(ctx, tx, a, lifeguard.OpKeepPolicies, policyID)
		if err != nil {
			return err
		}
		var p problems
		p.version(&in)
		if err := p.err("The version is not valid"); err != nil {
			return err
		}
		if err := insertVersion(ctx, tx, a, db.now(), pol, in); err != nil {
			return err
		}
		out, err = readPolicy(ctx, tx, a, lifeguard.OpKeepPolicies, policyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertVersion(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, pol *lifeguard.Policy,
	in lifeguard.NewPolicyVersion) error {
	if _, err := tx.exec(ctx, `INSERT INTO policy_versions (policy_id, number, body, link, approved_by, approved_on,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, pol.ID, len(pol.Versions)+1, in.Text, in.Link,
		in.ApprovedBy, in.ApprovedOn.String(), nullID(a.UserID), micros(now)); err != nil {
		return err
	}
	if in.ReviewDue != nil {
		_, err := tx.exec(ctx, `UPDATE policies SET review_due = ? WHERE id = ?`, in.ReviewDue.String(), pol.ID)
		return err
	}
	return nil
}

// AdoptPolicy makes a model policy the actor's organisation's own.
func (db *DB) AdoptPolicy(ctx context.Context, modelID int64, in lifeguard.NewPolicyVersion) (*lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Policy
	err = db.inWrite(ctx, "adopt policy", func(tx *tx) error {
		model, err := readPolicy(ctx, tx, a, lifeguard.OpReadPolicies, modelID)
		if err != nil {
			return err
		}
		cur, ok := model.Current()
		if model.OrganisationID != 0 || !ok {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "Only a model policy of the partnership with a version can be adopted.")
		}
		// The organisation's own keepers adopt, reaching no further than
		// it: the partnership officer, who keeps the models across the
		// partnership, does not adopt one into the partnership team.
		own := &lifeguard.Policy{PartnershipID: a.PartnershipID, OrganisationID: a.OrganisationID}
		if err := checkPolicy(a, lifeguard.OpKeepPolicies, own); err != nil || a.OrganisationID == 0 ||
			!a.IsSystem() && a.May(lifeguard.OpKeepPolicies) != lifeguard.ReachOrganisation {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an organisation's manager or safeguarding lead adopts a model policy.")
		}
		if in.Text == "" && in.Link == "" {
			in.Text, in.Link = cur.Text, cur.Link
		}
		var p problems
		p.version(&in)
		if err := p.err("The adopted version is not valid"); err != nil {
			return err
		}
		pol, err := insertPolicy(ctx, tx, a, db.now(), a.OrganisationID, lifeguard.NewPolicy{Kind: model.Kind,
			AgeGroup: model.AgeGroup, Title: model.Title, ReviewDue: in.ReviewDue}, model.ID)
		if err != nil {
			return err
		}
		if err := insertVersion(ctx, tx, a, db.now(), pol, in); err != nil {
			return err
		}
		out, err = readPolicy(ctx, tx, a, lifeguard.OpKeepPolicies, pol.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
