package web

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

func (wb *Web) settingsForm(w http.ResponseWriter, r *http.Request) error {
	flash := ""
	if r.URL.Query().Get("saved") == "1" {
		flash = "Your settings are saved."
	}
	return wb.render(w, r, http.StatusOK, "settings.html", page{Title: "Your settings", Nav: "settings", Flash: flash})
}

// saveSettings keeps the text size and high-visibility choice with the
// user, so they apply on every device they sign in from.
func (wb *Web) saveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	p := lifeguard.Preferences{TextSize: lifeguard.TextSize(r.PostForm.Get("text_size")), HighVisibility: r.PostForm.Get("high_visibility") == "on"}
	if _, err := wb.cfg.Stores.Preferences.SetPreferences(r.Context(), p); err != nil {
		if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
			return wb.render(w, r, http.StatusUnprocessableEntity, "settings.html", page{Title: "Your settings", Nav: "settings", Problem: problemsOf(err)})
		}
		return err
	}
	http.Redirect(w, r, "/account/settings?saved=1", http.StatusSeeOther)
	return nil
}

func problemsOf(err error) []lifeguard.Problem {
	if e, ok := err.(*lifeguard.Error); ok {
		return e.Problems
	}
	return nil
}
