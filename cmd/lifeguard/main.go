// Command lifeguard runs Lifeguard: the triage of online-safety concerns, and
// (from later releases) the server, the filter and the tools around them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
