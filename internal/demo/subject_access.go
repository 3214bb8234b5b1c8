package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// seedSubjectAccess records, at Riverside Academy, a parent's subject
// access request received 26 days ago about a child with a concern, so
// that the DSL's list of requests shows one due within the week. Nothing
// is seeded without the rights store.
func seedSubjectAccess(ctx context.Context, s Stores, clock *Clock, dsl *lifeguard.User, now time.Time) error {
	if s.Rights == nil {
		return nil
	}
	as := lifeguard.WithActor(ctx, actorOf(dsl))
	page, err := s.Concerns.ListConcerns(as, lifeguard.ConcernFilter{})
	if err != nil {
		return fmt.Errorf("concerns for a subject access request: %w", err)
	}
	for _, c := range page.Concerns {
		if c.ChildID == nil {
			continue
		}
		received := lifeguard.DateOf(now.AddDate(0, 0, -26))
		clock.at(received.In(time.UTC).Add(10 * time.Hour))
		_, err := s.Rights.StartSubjectAccess(as, lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectChild, ChildID: *c.ChildID,
			Requester: lifeguard.RequesterParent, RequesterName: "Mrs Demo Parent", ReceivedOn: received,
			Verified: lifeguard.CheckParentalResponsibility, VerifiedNote: "Seen at the school office with the child's birth certificate."})
		clock.at(now)
		return err
	}
	return nil
}
