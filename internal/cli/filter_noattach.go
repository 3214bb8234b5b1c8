//go:build !filterattach

// Until branch filter-attach is merged this build cannot attach to a
// server; the lead deletes this file at merge (see filter_attach.go).

package cli

import (
	"errors"
	"log/slog"
)

func newServerLink(url, token, spoolDir string, log *slog.Logger) (serverLink, error) {
	return nil, errors.New("this build cannot attach to a Lifeguard server yet (internal/filter/attach is merged from branch filter-attach); run standalone")
}
