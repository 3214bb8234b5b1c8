package web

import (
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// preventionSource names the register behind each aspect's figures.
var preventionSource = map[string]string{lifeguard.AspectTeaching: "teaching register",
	lifeguard.AspectVoice: "register of children's surveys", lifeguard.AspectParents: "parents' register",
	lifeguard.AspectAccessList: "internet access record"}

// preventionEvidence puts the teaching, parents', survey and access
// registers' current figures beside the aspects they evidence, with the
// level they suggest (lifeguard.PreventionFigures.PreventionEvidence), as
// registerEvidence does for the policy library.
func (wb *Web) preventionEvidence(r *http.Request, org *lifeguard.Organisation, aspects []aspectForm) error {
	var fig *lifeguard.PreventionFigures
	for i := range aspects {
		switch aspects[i].ID {
		case lifeguard.AspectTeaching, lifeguard.AspectVoice, lifeguard.AspectParents, lifeguard.AspectAccessList:
		default:
			continue
		}
		if fig == nil {
			var err error
			if fig, err = wb.cfg.Stores.Prevention.PreventionFigures(r.Context(), org.ID); err != nil {
				return err
			}
		}
		line, level, ok := fig.PreventionEvidence(aspects[i].ID)
		if !ok {
			continue
		}
		aspects[i].Register, aspects[i].Source = line, preventionSource[aspects[i].ID]
		if level != 0 {
			aspects[i].Suggest = strconv.Itoa(int(level)) + " " + wb.cfg.Framework.LevelName(level)
		}
	}
	return nil
}
