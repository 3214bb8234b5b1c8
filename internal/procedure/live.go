package procedure

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// DirectorySource reads the newest version of a partnership's directory.
type DirectorySource interface {
	CurrentDirectory(ctx context.Context, partnership int64) (lifeguard.DirectoryVersion, error)
}

// Live triages each concern under its partnership's newest directory
// version, read from the store at every triage: several servers share one
// database, and a version saved on one must apply on all of them to the
// next concern, so no server keeps a version it has not checked is still the
// newest. A version is compiled once and kept while it stays the newest.
// Without an actor, or for a partnership with no version saved, Base
// triages (the baseline with the server's --local file, if any).
type Live struct {
	Base  *Procedure
	Store DirectorySource

	mu       sync.Mutex
	compiled map[int64]liveEntry
}

type liveEntry struct {
	version int
	proc    *Procedure
}

var (
	_ lifeguard.Triager              = (*Live)(nil)
	_ lifeguard.RouteCatalogue       = (*Live)(nil)
	_ lifeguard.RouteCatalogueSource = (*Live)(nil)
)

// For returns the procedure in force for the actor's partnership now.
func (l *Live) For(ctx context.Context) (*Procedure, error) {
	a := lifeguard.ActorFrom(ctx)
	if a == nil || a.IsSystem() || a.PartnershipID == 0 || l.Store == nil {
		return l.Base, nil
	}
	v, err := l.Store.CurrentDirectory(ctx, a.PartnershipID)
	if err != nil {
		return nil, fmt.Errorf("procedure: the partnership's directory: %w", err)
	}
	if v.Version == 0 {
		return l.Base, nil
	}
	l.mu.Lock()
	e, ok := l.compiled[a.PartnershipID]
	l.mu.Unlock()
	if ok && e.version == v.Version {
		return e.proc, nil
	}
	p, err := LoadDirectory(v.Version, []byte(v.Document))
	if err != nil {
		// Saved versions were checked when saved; one that no longer
		// loads is a baseline changed under it, which the officer must
		// fix. Refusing the triage would lose the concern, so it is
		// surfaced as an error the caller reports.
		return nil, fmt.Errorf("procedure: directory version %d no longer loads: %w", v.Version, err)
	}
	l.mu.Lock()
	if l.compiled == nil {
		l.compiled = map[int64]liveEntry{}
	}
	l.compiled[a.PartnershipID] = liveEntry{version: v.Version, proc: p}
	l.mu.Unlock()
	return p, nil
}

// Triage triages under the procedure in force for the actor's partnership.
func (l *Live) Triage(ctx context.Context, f *lifeguard.Facts) (*lifeguard.Triage, error) {
	p, err := l.For(ctx)
	if err != nil {
		return nil, err
	}
	return p.Triage(ctx, f)
}

// TriageValid is Triage for facts already checked.
func (l *Live) TriageValid(ctx context.Context, f lifeguard.ValidFacts) (*lifeguard.Triage, error) {
	p, err := l.For(ctx)
	if err != nil {
		return nil, err
	}
	return p.TriageValid(ctx, f)
}

// CatalogueFor is the catalogue of the procedure in force for the actor's
// partnership: a route a DSL adds takes its words from the newest directory
// version, as a new concern's triage does.
func (l *Live) CatalogueFor(ctx context.Context) (lifeguard.RouteCatalogue, error) {
	return l.For(ctx)
}

// AddedRoute and RouteCodes are the base procedure's, for callers with no
// actor (CatalogueFor is the one with): a route's urgency and code are the
// baseline's whatever the directory says.
func (l *Live) AddedRoute(code lifeguard.RouteCode, at time.Time) (lifeguard.Route, bool) {
	return l.Base.AddedRoute(code, at)
}

// RouteCodes lists the base procedure's routes.
func (l *Live) RouteCodes() []lifeguard.Route { return l.Base.RouteCodes() }
