// This file is the glue between the filter command and the server link
// (internal/filter/attach).

package cli

import (
	"context"
	"log/slog"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter"
	"github.com/lifeguard-scp/lifeguard/internal/filter/attach"
)

// attachLink adapts attach.Client to what the filter gives it.
type attachLink struct{ *attach.Client }

func newServerLink(url, token, spoolDir string, log *slog.Logger) (serverLink, error) {
	c, err := attach.New(attach.Config{URL: url, Token: token, SpoolDir: spoolDir, Logger: log})
	if err != nil {
		return nil, err
	}
	return attachLink{c}, nil
}

func attempt(t filter.Report) lifeguard.FilterAttempt {
	return lifeguard.FilterAttempt{Time: t.Time, Client: t.Client.String(), Group: t.Group, Name: t.Name, Category: lifeguard.FilterCategory(t.Category)}
}

// Event passes a blocked attempt on; the client spools it without blocking.
func (l attachLink) Event(e filter.Event) {
	l.Client.Event(attach.Event{Time: e.Time, Client: e.Client.String(), Group: e.Group, Name: e.Name, Category: lifeguard.FilterCategory(e.Category)})
}

// Report spools a review request or a worry; it is on disk when Report
// returns.
func (l attachLink) Report(ctx context.Context, r filter.Report) error {
	if r.Kind == "review" {
		return l.Client.Review(ctx, attach.Review{FilterAttempt: attempt(r), Comment: r.Text})
	}
	return l.Client.Worry(ctx, attach.Worry{FilterAttempt: attempt(r), About: lifeguard.WorryAbout(r.About), Text: r.Text})
}
