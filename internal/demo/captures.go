package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// seedCaptures gives Riverside Academy a monitor's account and a few
// monitoring captures from the last days, scanned with the library the
// server uses, so that its DSL's review queue has work in it: a search for
// suicide (severity 5, which alerted at once), bullying in a chat, and
// ordinary homework that matches nothing and is not kept. One capture is
// already reviewed as a false positive. Nothing is seeded without a store
// and a scanner.
func seedCaptures(ctx context.Context, s Stores, clock *Clock, org *lifeguard.Organisation, dsl *lifeguard.User,
	now time.Time) error {
	if s.Monitor == nil || s.Scan == nil {
		return nil
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	mon, err := s.Orgs.CreateUser(sys, lifeguard.NewUser{Email: "monitor@demo.test", Name: "Riverside Academy extension",
		Role: lifeguard.RoleMonitor, OrganisationID: org.ID, PasswordHash: "!"})
	if err != nil {
		return fmt.Errorf("monitor account: %w", err)
	}
	texts := []struct {
		ago        time.Duration
		kind       lifeguard.CaptureKind
		url, text  string
		falsePoint bool
	}{
		{50 * time.Minute, lifeguard.CaptureSearch, "https://www.bing.com/search?q=x", "how to kill myself without it hurting", false},
		{3 * time.Hour, lifeguard.CaptureTyped, "https://chat.example.org/room/9", "honestly nobody likes you, just leave the group", false},
		{26 * time.Hour, lifeguard.CaptureTyped, "https://docs.example.org/essay", "My essay on the water cycle: evaporation, condensation and rain.", false},
		{30 * time.Hour, lifeguard.CaptureTyped, "https://games.example.org/lobby", "i will kill you in the next round lol", true},
	}
	for i, t := range texts {
		clock.at(now.Add(-t.ago))
		c := lifeguard.NewCapture{ID: fmt.Sprintf("d0000000-0000-4000-8000-%012d", i+1), Time: now.Add(-t.ago),
			Kind: t.kind, URL: t.url, Device: fmt.Sprintf("RA-LAPTOP-%02d", 11+i), User: "9B", Text: t.text}
		rc, err := s.Monitor.RecordCaptures(lifeguard.WithActor(ctx, actorOf(mon)), []lifeguard.NewCapture{c}, s.Scan)
		if err != nil {
			return fmt.Errorf("capture %d: %w", i, err)
		}
		if !t.falsePoint || rc.Matched == 0 {
			continue
		}
		list, err := s.Monitor.Captures(lifeguard.WithActor(ctx, actorOf(dsl)), lifeguard.CaptureFilter{Verdict: "all"})
		if err != nil {
			return err
		}
		for _, x := range list {
			if x.Ref == c.ID {
				if _, err := s.Monitor.ReviewCapture(lifeguard.WithActor(ctx, actorOf(dsl)), x.ID, lifeguard.VerdictFalse,
					"Trash talk in a game with friends."); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
