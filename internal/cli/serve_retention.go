package cli

import (
	"errors"
	"os"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// loadRetentionSchedule is the shipped retention schedule, adapted by the
// local file at path when one is given (docs/retention.md). A bad file
// stops the server with every problem, each with its line and field.
func loadRetentionSchedule(path string) (lifeguard.RetentionSchedule, error) {
	shipped := lifeguard.ShippedRetentionSchedule()
	if path == "" {
		return shipped, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return shipped, usageError("--retention-schedule: %v", err)
	}
	defer f.Close()
	local, err := lifeguard.ParseRetentionSchedule(f)
	var le *lifeguard.Error
	if errors.As(err, &le) && len(le.Problems) > 0 {
		lines := make([]string, len(le.Problems))
		for i, p := range le.Problems {
			lines[i] = path + ": " + p.Path + ": " + p.Problem
		}
		return shipped, usageError("--retention-schedule: %s", strings.Join(lines, "; "))
	}
	if err != nil {
		return shipped, usageError("--retention-schedule: %v", err)
	}
	return shipped.Adapt(local), nil
}
