package web

import (
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// consentTrainingEvidence puts the consents' and training's current
// figures beside the aspects they evidence (L6, E1), with the level they
// suggest, as registerEvidence does for the policy library.
func (wb *Web) consentTrainingEvidence(r *http.Request, org *lifeguard.Organisation, aspects []aspectForm) error {
	for i := range aspects {
		var line string
		var level lifeguard.Level
		switch aspects[i].ID {
		case lifeguard.AspectImages:
			fig, err := wb.cfg.Stores.Consents.ConsentFigures(r.Context(), org.ID)
			if err != nil {
				return err
			}
			line, level = fig.ConsentEvidence()
		case lifeguard.AspectTraining:
			cov, err := wb.cfg.Stores.Training.TrainingCoverage(r.Context(), 0, org.ID, wb.todayHere())
			if err != nil {
				return err
			}
			var c lifeguard.TrainingCoverage
			if len(cov) > 0 {
				c = cov[0]
			}
			line, level = c.TrainingEvidence()
		default:
			continue
		}
		aspects[i].Register = line
		if level != 0 {
			aspects[i].Suggest = strconv.Itoa(int(level)) + " " + wb.cfg.Framework.LevelName(level)
		}
	}
	return nil
}
