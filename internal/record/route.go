package record

import (
	"context"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// AddRoute adds to concern id the procedure's route with the code, which
// its triage did not give, with the DSL's reason. The route comes from the
// procedure in force, its deadline counted from now (see
// lifeguard.RouteCatalogue); a code the procedure does not have is
// EINVALID on "route". The store checks the rest and who may do it.
func (rc *Recorder) AddRoute(ctx context.Context, id int64, code lifeguard.RouteCode, reason string) (*lifeguard.AddedRoute, error) {
	cat, ok := rc.Triager.(lifeguard.RouteCatalogue)
	if src, live := rc.Triager.(lifeguard.RouteCatalogueSource); live {
		var err error
		if cat, err = src.CatalogueFor(ctx); err != nil {
			return nil, err
		}
		ok = true
	}
	if !ok {
		return nil, fmt.Errorf("record: add route: the triager %T has no route catalogue", rc.Triager)
	}
	var problem string
	switch {
	case code == "":
		problem = "is required"
	case lifeguard.TextProblem(string(code)) != "":
		problem = "is not a route code"
	}
	r, known := cat.AddedRoute(code, rc.Now())
	if problem == "" && !known {
		problem = fmt.Sprintf("%q is not a route of the procedure in force", code)
	}
	if problem != "" {
		ps := []lifeguard.Problem{{Path: "route", Problem: problem}}
		if strings.TrimSpace(reason) == "" {
			ps = append(ps, lifeguard.Problem{Path: "reason", Problem: "is required"})
		}
		return nil, lifeguard.Invalid("The route cannot be added", ps)
	}
	return rc.Concerns.AddRoute(ctx, id, lifeguard.NewRoute{Route: r, Reason: reason})
}
