package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
)

// framework checks a partnership's local self-audit framework file.
func (e *env) framework(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usageError("framework needs a subcommand: check LOCAL.yaml")
	}
	fs := e.command("framework check", "framework check LOCAL.yaml")
	if err := fs.parseArgs(args[1:], 1, "framework check needs exactly one local framework file"); err != nil {
		return err
	}
	fw, err := loadFramework(fs.Arg(0))
	if err != nil {
		return err
	}
	n, retired := 0, 0
	for _, s := range fw.Strands {
		for _, a := range s.Aspects {
			n++
			if a.Retired {
				retired++
			}
		}
	}
	fmt.Fprintf(e.stdout, "%s is valid.\nFramework: %s, version %s: %d strands, %d aspects (%d retired).\n",
		fs.Arg(0), fw.Name, fw.Version, len(fw.Strands), n, retired)
	return nil
}

// loadFramework loads the self-audit framework: the embedded baseline,
// changed by the local file at path when there is one.
func loadFramework(path string) (*lifeguard.Framework, error) {
	if path == "" {
		return framework.Baseline()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fw, err := framework.Load(path, data)
	if err != nil {
		return nil, &exitError{code: exitInvalid, msg: "the audit framework file has problems:\n" + err.Error()}
	}
	return fw, nil
}
