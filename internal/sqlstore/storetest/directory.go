package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testDirectoryVersions: the partnership's directory is saved as numbered
// versions by the officer or an administrator only, each version after the
// one the officer began from; older versions stay readable; any user of the
// partnership (whose concerns are triaged under it) reads the newest, and no
// one of another partnership reads it.
func testDirectoryVersions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	const v1 = "name: Northshire\nversion: \"1\"\nworking_day:\n  close: \"16:30\"\n"
	const v2 = "name: Northshire\nversion: \"2\"\nworking_day:\n  close: \"16:00\"\n"

	step(t, "none yet", func(t *testing.T) {
		cur, err := f.db.CurrentDirectory(as(ctx, f.staff), 0)
		if err != nil || cur.Version != 0 || cur.Document != "" {
			t.Fatalf("CurrentDirectory = %+v, %v; want version 0", cur, err)
		}
	})
	step(t, "only the officer or an administrator saves", func(t *testing.T) {
		for _, u := range []*lifeguard.User{f.staff, f.dsl, f.manager, f.adminC} {
			_, err := f.db.SaveDirectoryVersion(as(ctx, u), f.p1.ID, 0, v1, "first")
			wantCode(t, err, lifeguard.EFORBIDDEN)
			_, err = f.db.DirectoryVersions(as(ctx, u), f.p1.ID)
			wantCode(t, err, lifeguard.EFORBIDDEN)
		}
	})
	step(t, "versions are numbered and recorded", func(t *testing.T) {
		got, err := f.db.SaveDirectoryVersion(as(ctx, f.officer), 0, 0, v1, "close at half past four")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.PartnershipID != f.p1.ID || got.SavedByID != f.officer.ID || got.SavedBy != f.officer.Name ||
			got.Document != v1 || got.SavedAt.IsZero() {
			t.Fatalf("saved %+v", got)
		}
		f.clock.Advance(3600e9)
		if got, err = f.db.SaveDirectoryVersion(as(ctx, f.admin), 0, 1, v2, "close at four"); err != nil || got.Version != 2 {
			t.Fatalf("second save = %+v, %v", got, err)
		}
		list, err := f.db.DirectoryVersions(as(ctx, f.officer), 0)
		if err != nil || len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 || list[0].SavedBy != f.admin.Name ||
			list[1].Summary != "close at half past four" || list[0].Document != "" || !list[0].SavedAt.After(list[1].SavedAt) {
			t.Fatalf("versions = %+v, %v", list, err)
		}
		old, err := f.db.DirectoryVersionAt(as(ctx, f.officer), 0, 1)
		if err != nil || old.Document != v1 {
			t.Fatalf("version 1 = %+v, %v", old, err)
		}
		cur, err := f.db.CurrentDirectory(as(ctx, f.staffB), 0)
		if err != nil || cur.Version != 2 || cur.Document != v2 {
			t.Fatalf("current = %+v, %v", cur, err)
		}
	})
	step(t, "a save from a stale version is refused", func(t *testing.T) {
		_, err := f.db.SaveDirectoryVersion(as(ctx, f.officer), 0, 1, v1, "late")
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.DirectoryVersionAt(as(ctx, f.officer), 0, 3)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})
	step(t, "another partnership sees nothing", func(t *testing.T) {
		_, err := f.db.CurrentDirectory(as(ctx, f.adminC), f.p1.ID)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.DirectoryVersionAt(as(ctx, f.adminC), f.p1.ID, 1)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		cur, err := f.db.CurrentDirectory(as(ctx, f.adminC), 0)
		if err != nil || cur.Version != 0 {
			t.Fatalf("Southshire's current = %+v, %v", cur, err)
		}
	})
	step(t, "bad input is named by its field", func(t *testing.T) {
		for _, c := range []struct {
			doc, summary string
			base         int
			path         string
		}{
			{"", "s", 2, "document"},
			{"  \n", "s", 2, "document"},
			{string(make([]byte, lifeguard.MaxDirectoryDocument+1)), "s", 2, "document"},
			{v1, "", 2, "summary"},
			{v1, "s", -1, "base"},
		} {
			_, err := f.db.SaveDirectoryVersion(as(ctx, f.officer), 0, c.base, c.doc, c.summary)
			wantProblem(t, err, c.path)
		}
		_, err := f.db.DirectoryVersionAt(as(ctx, f.officer), 0, 0)
		wantProblem(t, err, "version")
	})
}
