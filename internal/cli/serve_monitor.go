package cli

import (
	"fmt"
	"os"

	"github.com/lifeguard-scp/lifeguard/internal/monitor"
)

// loadMonitorLibrary is the phrase library the server scans captures
// with: the baseline Lifeguard ships, with the partnership's or
// organisation's local file merged onto it when path is not empty (its
// problems named with their line, and the server refusing to start).
func loadMonitorLibrary(path string) (*monitor.Library, error) {
	base, err := monitor.Baseline()
	if err != nil {
		return nil, fmt.Errorf("the baseline phrase library: %w", err)
	}
	if path == "" {
		return base, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError("--monitor-library: %v", err)
	}
	defer f.Close()
	local, err := monitor.Load(f, path)
	if err != nil {
		return nil, usageError("--monitor-library: %v", err)
	}
	merged, err := base.Merge(local)
	if err != nil {
		return nil, usageError("--monitor-library: %v", err)
	}
	return merged, nil
}
