package lifeguard

import "context"

// TextSize is a user's chosen text size for the pages.
type TextSize string

const (
	TextSmall  TextSize = "small"
	TextMedium TextSize = "medium"
	TextLarge  TextSize = "large"
)

// Valid reports whether s is a known text size.
func (s TextSize) Valid() bool { return s == TextSmall || s == TextMedium || s == TextLarge }

// Preferences are a user's display settings, kept with the user so they
// follow them from device to device.
type Preferences struct {
	TextSize       TextSize `json:"text_size"`
	HighVisibility bool     `json:"high_visibility"`
}

// PreferenceStore keeps each user's own display settings. A user reads and
// changes only their own; no other role can.
type PreferenceStore interface {
	Preferences(ctx context.Context) (*Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) (*Preferences, error)
}
