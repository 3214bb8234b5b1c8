package sqlstore

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestEnqueue: the helper other store code calls writes its messages in
// the caller's transaction, once per dedupe key, journals them as one
// entry, wakes the delivery job after the commit, and refuses a message
// that names no recipient.
func TestEnqueue(t *testing.T) {
	db := openTest(t, "sqlite", Config{})
	ctx, o := school(t, db)
	u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: "d@example.org", Name: "D", Role: lifeguard.RoleDSL, OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	digest := lifeguard.OutboxMessage{Kind: lifeguard.AlertDigest, Channel: lifeguard.ChannelEmail, UserID: u.ID,
		OrganisationID: o.ID, DedupeKey: "digest:2026-10-14:user"}
	write := func(msgs ...lifeguard.OutboxMessage) error {
		return db.inWrite(ctx, "test", func(t *tx) error { return enqueue(ctx, t, lifeguard.SystemActor(), db.now(), msgs...) })
	}
	select { // the migration's own writes wrote no alert; be sure
	case <-db.outboxWake:
	default:
	}
	if err := write(digest); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.OutboxWritten():
	default:
		t.Error("the commit did not wake the delivery job")
	}
	if err := write(digest); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.OutboxWritten():
		t.Error("a write that wrote nothing woke the delivery job")
	default:
	}
	ms, err := db.OutboxMessages(ctx, lifeguard.OutboxFilter{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("outbox %+v, %v", ms, err)
	}
	es, err := db.JournalEntries(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if strings.HasPrefix(e.Detail, "alert=digest") {
			n++
			if e.Record != "organisation" || e.RecordID != o.ID || !strings.Contains(e.Detail, "email_users=") {
				t.Errorf("entry %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d journal entries for the digest, want 1", n)
	}
	bad := digest
	bad.UserID, bad.DedupeKey = 0, ""
	if err := write(bad); lifeguard.ErrorCode(err) != lifeguard.EINVALID || !strings.Contains(err.Error(), "user_id") {
		t.Errorf("a message to no one: %v", err)
	}
}
