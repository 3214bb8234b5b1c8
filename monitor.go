package lifeguard

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Monitoring (docs/monitor.md). A monitor is a device's account (role
// RoleMonitor): the school's browser extension, or another system, sends
// what children type and search to POST /api/v1/monitor/captures. The
// server scans each capture's text with the phrase library
// (internal/monitor) and keeps only those that match, with the text around
// the match and never the rest: a capture is a safeguarding record for the
// organisation's DSLs, who review it as a true or false positive, turn a
// true one into a concern, or tell the library to ignore the phrase on the
// site. Severity 4 and 5 alert the DSLs at once; the rest wait for the
// digest. Captures are deleted after the organisation's retention period.

// MonitorCategory is a risk category of the phrase library: the UK Safer
// Internet Centre's appropriate-monitoring categories and oversharing.
type MonitorCategory string

// monitorCategories is the catalogue, in the order pages list them.
var monitorCategories = [...]MonitorCategory{"illegal", "bullying", "cse_grooming", "discrimination", "drugs",
	"extremism", "gambling", "pornography", "self_harm", "suicide", "violence_weapons", "personal_info"}

// MonitorCategories lists the category codes.
func MonitorCategories() []MonitorCategory {
	return append([]MonitorCategory(nil), monitorCategories[:]...)
}

// monitorCategoryWords are the categories' names as the Safer Internet
// Centre and issue 18 write them, capitalised as headings: the one place
// the review queue, the board report and a concern from a capture read them.
var monitorCategoryWords = map[MonitorCategory]string{
	"illegal": "Illegal content", "bullying": "Bullying", "cse_grooming": "Child sexual exploitation and grooming",
	"discrimination": "Discrimination", "drugs": "Drugs", "extremism": "Extremism", "gambling": "Gambling",
	"pornography": "Pornography", "self_harm": "Self-harm", "suicide": "Suicide",
	"violence_weapons": "Violence and weapons", "personal_info": "Oversharing of personal information",
}

// Label is the words people read for the category, or the code itself.
func (c MonitorCategory) Label() string { return wordsFor(monitorCategoryWords, c) }

// Valid reports whether c is a known category.
func (c MonitorCategory) Valid() bool { return slices.Contains(monitorCategories[:], c) }

// ConcernType is the concern type a capture of the category starts a
// concern with. What a child types is their own conduct or contact more
// often than content they saw, so extremism is radicalisation (being drawn
// in) rather than extremist material, and suicide is self-harm, the
// schema's one type for both.
func (c MonitorCategory) ConcernType() ConcernType {
	switch c {
	case "illegal":
		return "child_abuse_imagery"
	case "bullying":
		return "cyberbullying"
	case "cse_grooming":
		return "grooming"
	case "discrimination":
		return "hate"
	case "drugs":
		return "drugs"
	case "extremism":
		return "radicalisation"
	case "gambling":
		return "gambling"
	case "pornography":
		return "pornography"
	case "self_harm", "suicide":
		return "self_harm"
	case "violence_weapons":
		return "violent_content"
	case "personal_info":
		return "oversharing"
	}
	return "other"
}

// CaptureKind is where the text came from: a search, or text typed into a
// page.
type CaptureKind string

const (
	CaptureSearch CaptureKind = "search"
	CaptureTyped  CaptureKind = "typed"
)

// Label says where the text came from, for a page.
func (k CaptureKind) Label() string {
	if k == CaptureSearch {
		return "searched"
	}
	return "typed"
}

// Limits of what a monitor sends and what is kept of it.
const (
	// MaxCaptureBatch is the most captures one request may carry.
	MaxCaptureBatch = 100
	// MaxCaptureText is the longest text of one capture, in characters:
	// a long message or a paragraph, not a document.
	MaxCaptureText = 5000
	MaxCaptureURL  = 2000
	// MaxCaptureLabel bounds the device and the user or group label.
	MaxCaptureLabel = 128
	// CaptureContext is how many bytes of text around the match are kept
	// on each side, cut at a character boundary: enough to read what the
	// child meant, never the whole of what they typed.
	CaptureContext = 120
	// MaxCaptureMatches is how many matches one capture keeps.
	MaxCaptureMatches = 10
	// CaptureAlertSeverity is the severity from which a capture alerts
	// the DSLs at once: 4, a serious risk; 5, a child may be at risk now.
	CaptureAlertSeverity = 4
	// MaxMonitorNotice bounds the monitoring notice pupils are shown.
	MaxMonitorNotice = 1000
	// MaxExcludedSites is how many sites an organisation may exclude.
	MaxExcludedSites = 500
	MaxCaptureNote   = 2000
)

// NewCapture is one piece of text as a monitor sends it. ID is a UUID the
// monitor gives it, so that a resent capture is recognised. Site is the
// host name the text was typed or searched on; when it is empty it is
// taken from URL. User is a user's or a group's label as the device knows
// it (a pseudonymous login, a class), never required.
type NewCapture struct {
	ID     string      `json:"id"`
	Time   time.Time   `json:"time"`
	Kind   CaptureKind `json:"kind"`
	URL    string      `json:"url"`
	Site   string      `json:"site"`
	Device string      `json:"device"`
	User   string      `json:"user"`
	Text   string      `json:"text"`
}

// Validate returns what is wrong with the capture, each problem's path
// prefixed with prefix ("captures[3]."), and fills in Site from URL.
func (c *NewCapture) Validate(prefix string, now time.Time) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Path: prefix + field, Problem: fmt.Sprintf(format, args...)})
	}
	switch {
	case c.ID == "":
		add("id", "is required")
	case !uuidPattern.MatchString(c.ID):
		add("id", "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e")
	}
	switch {
	case c.Time.IsZero():
		add("time", "is required")
	case c.Time.After(now.Add(FilterClockSkew)):
		add("time", "is more than an hour after the server's clock; check the device's clock")
	case c.Time.Year() < 2000:
		add("time", "is before the year 2000; check the device's clock")
	}
	switch c.Kind {
	case CaptureSearch, CaptureTyped:
	case "":
		add("kind", "is required: search or typed")
	default:
		add("kind", "%q is not a kind; give search or typed", string(c.Kind))
	}
	if p := monitorText("url", c.URL, MaxCaptureURL, false); p != nil {
		ps = append(ps, Problem{Path: prefix + p.Path, Problem: p.Problem})
	} else if c.URL != "" {
		u, err := url.Parse(c.URL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "":
			add("url", "must be an http or https address such as https://www.example.com/search?q=…")
		case c.Site == "":
			c.Site = strings.ToLower(u.Hostname())
		case !strings.EqualFold(c.Site, u.Hostname()):
			add("site", "is %q but the url's host is %q; give the same host or leave site out", c.Site, u.Hostname())
		}
	}
	switch {
	case c.Site == "" && c.URL == "":
		add("site", "is required (or give url)")
	case c.Site == "":
	case len(c.Site) > MaxFilterName:
		add("site", "is longer than %d characters, the longest host name", MaxFilterName)
	case !validDNSName(c.Site):
		add("site", "must be a host name in lower case such as www.example.com")
	}
	for _, f := range []struct {
		path, s  string
		required bool
	}{{"device", c.Device, true}, {"user", c.User, false}} {
		if p := monitorText(f.path, f.s, MaxCaptureLabel, f.required); p != nil {
			add(p.Path, "%s", p.Problem)
		}
	}
	if p := monitorText("text", c.Text, MaxCaptureText, true); p != nil {
		add(p.Path, "%s", p.Problem)
	}
	return ps
}

// monitorText checks one text field of a capture or a setting.
func monitorText(path, s string, max int, required bool) *Problem {
	if ps := filterText(path, s, max, required); len(ps) > 0 {
		return &ps[0]
	}
	return nil
}

// ValidateCaptures checks a batch, naming each problem by its place.
func ValidateCaptures(in []NewCapture, now time.Time) []Problem {
	if len(in) == 0 {
		return []Problem{{Path: "captures", Problem: "is empty; send at least one capture"}}
	}
	if len(in) > MaxCaptureBatch {
		return []Problem{{Path: "captures", Problem: fmt.Sprintf("holds %d captures; send at most %d in one request",
			len(in), MaxCaptureBatch)}}
	}
	var ps []Problem
	for i := range in {
		ps = append(ps, in[i].Validate(fmt.Sprintf("captures[%d].", i), now)...)
	}
	return ps
}

// CaptureMatch is one match of the phrase library in a text: the entry or
// rule that raised it, its category and severity, and where it is, in
// bytes of the text it was found in (of a Capture's Context once stored).
type CaptureMatch struct {
	Category MonitorCategory `json:"category"`
	Severity int             `json:"severity"`
	EntryID  string          `json:"entry_id"`
	Phrase   string          `json:"phrase"`
	Rule     string          `json:"rule,omitempty"`
	Start    int             `json:"start"`
	End      int             `json:"end"`
}

// CaptureScanner finds the library's matches in text typed or searched on
// site. The server gives the store one made from internal/monitor's
// library; the store calls it inside the request, before anything is kept.
type CaptureScanner func(text, site string) []CaptureMatch

// Verdicts of a capture's review.
const (
	VerdictNone  = ""      // not reviewed yet
	VerdictTrue  = "true"  // a true positive: the DSL thinks it a real concern or worth knowing
	VerdictFalse = "false" // a false positive
)

// Capture is a stored capture as the DSL sees it: the text around the
// matches (Context) and never more, the matches within it, the primary
// (most severe) match's category, severity and entry, and the review.
type Capture struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"organisation_id"`
	Ref            string          `json:"ref"`
	Time           time.Time       `json:"time"`
	Kind           CaptureKind     `json:"kind"`
	Site           string          `json:"site"`
	URL            string          `json:"url"`
	Device         string          `json:"device"`
	User           string          `json:"user"`
	Context        string          `json:"context"`
	Matches        []CaptureMatch  `json:"matches"`
	Category       MonitorCategory `json:"category"`
	Severity       int             `json:"severity"`
	EntryID        string          `json:"entry_id"`
	Phrase         string          `json:"phrase"`
	Verdict        string          `json:"verdict"`
	Note           string          `json:"note"`
	ReviewedBy     *int64          `json:"reviewed_by"`
	ReviewedAt     *time.Time      `json:"reviewed_at"`
	ConcernID      *int64          `json:"concern_id"`
	DeleteAfter    time.Time       `json:"delete_after"`
	ReceivedAt     time.Time       `json:"received_at"`
}

// CaptureReceipt is the answer to a batch: Accepted captures were read
// (all of the batch), Matched of them matched and were stored, Duplicates
// had been received before, and Excluded were on a site the organisation
// excludes and were dropped unread.
type CaptureReceipt struct {
	Accepted   int `json:"accepted"`
	Matched    int `json:"matched"`
	Duplicates int `json:"duplicates"`
	Excluded   int `json:"excluded"`
}

// CaptureFilter selects captures for the review queue.
type CaptureFilter struct {
	// Verdict is "unreviewed" (the default), "true", "false" or "all".
	Verdict string
	Limit   int // 1–500, default 200
}

// MonitorSettings are an organisation's monitoring choices, set by its DSL
// or manager and read by its monitors.
type MonitorSettings struct {
	OrganisationID int64 `json:"organisation_id"`
	// ExcludedSites are host names whose text is never sent, nor kept if
	// sent; a name covers its subdomains.
	ExcludedSites []string `json:"excluded_sites"`
	// Notice is what the extension shows pupils about monitoring.
	Notice string `json:"notice"`
	// RetentionDays is how long an unreviewed or false-positive capture is
	// kept; TrueRetentionDays a true positive, from when it was reviewed.
	RetentionDays     int        `json:"retention_days"`
	TrueRetentionDays int        `json:"true_retention_days"`
	UpdatedBy         int64      `json:"updated_by,omitempty"`
	UpdatedAt         *time.Time `json:"updated_at,omitempty"`
}

// Defaults of the monitoring settings.
const (
	DefaultCaptureRetentionDays     = 30
	DefaultTrueCaptureRetentionDays = 365
	MaxCaptureRetentionDays         = 3650
	DefaultMonitorNotice            = "This device is monitored by your school to help keep you safe online. " +
		"What you type and search may be seen by the school's safeguarding lead. Passwords are never read."
)

// DefaultMonitorSettings are the settings of an organisation that has not
// chosen its own.
func DefaultMonitorSettings(org int64) MonitorSettings {
	return MonitorSettings{OrganisationID: org, ExcludedSites: []string{}, Notice: DefaultMonitorNotice,
		RetentionDays: DefaultCaptureRetentionDays, TrueRetentionDays: DefaultTrueCaptureRetentionDays}
}

// Validate checks the settings and puts the sites in lower case.
func (s *MonitorSettings) Validate() []Problem {
	var ps []Problem
	if len(s.ExcludedSites) > MaxExcludedSites {
		ps = append(ps, Problem{Path: "excluded_sites", Problem: fmt.Sprintf("names %d sites; the most is %d",
			len(s.ExcludedSites), MaxExcludedSites)})
	}
	for i, site := range s.ExcludedSites {
		site = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(site)), ".")
		path := fmt.Sprintf("excluded_sites[%d]", i)
		switch {
		case TextProblem(site) != "":
			ps = append(ps, *CheckText(path, site))
		case site == "" || len(site) > MaxFilterName || !validDNSName(site):
			ps = append(ps, Problem{Path: path, Problem: "must be a host name such as www.example.com"})
		}
		s.ExcludedSites[i] = site
	}
	if p := monitorText("notice", s.Notice, MaxMonitorNotice, true); p != nil {
		ps = append(ps, *p)
	}
	for _, d := range []struct {
		path string
		n    int
	}{{"retention_days", s.RetentionDays}, {"true_retention_days", s.TrueRetentionDays}} {
		if d.n < 1 || d.n > MaxCaptureRetentionDays {
			ps = append(ps, Problem{Path: d.path, Problem: fmt.Sprintf("must be from 1 to %d days", MaxCaptureRetentionDays)})
		}
	}
	return ps
}

// Excludes reports whether the settings exclude site: the site itself or
// a subdomain of an excluded name.
func (s *MonitorSettings) Excludes(site string) bool {
	return siteCovered(s.ExcludedSites, site)
}

// siteCovered reports whether site is one of names or a subdomain of one.
func siteCovered(names []string, site string) bool {
	for _, n := range names {
		if site == n || strings.HasSuffix(site, "."+n) {
			return true
		}
	}
	return false
}

// CaptureExclusion is "ignore this phrase on this site": a match of the
// library's entry EntryID on Site or its subdomains is dropped before a
// capture is kept. A DSL makes one from a capture.
type CaptureExclusion struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id"`
	EntryID        string    `json:"entry_id"`
	Phrase         string    `json:"phrase"`
	Site           string    `json:"site"`
	CreatedBy      int64     `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// Covers reports whether the exclusion drops match m found on site.
func (x *CaptureExclusion) Covers(m *CaptureMatch, site string) bool {
	return m.EntryID == x.EntryID && siteCovered([]string{x.Site}, site)
}

// CutCaptureContext cuts text to the part around the matches that a capture
// keeps: from CaptureContext bytes before the primary match to as many
// after it, at character boundaries; the matches within it, shifted to
// its offsets, at most MaxCaptureMatches. primary is the index in ms of
// the match the context is centred on.
func CutCaptureContext(text string, ms []CaptureMatch, primary int) (string, []CaptureMatch) {
	p := ms[primary]
	from, to := max(0, p.Start-CaptureContext), min(len(text), p.End+CaptureContext)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	var kept []CaptureMatch
	for _, m := range ms {
		if m.Start >= from && m.End <= to && len(kept) < MaxCaptureMatches {
			m.Start, m.End = m.Start-from, m.End-from
			kept = append(kept, m)
		}
	}
	return text[from:to], kept
}

// PrimaryMatch is the index of the most severe match, the first of equals.
func PrimaryMatch(ms []CaptureMatch) int {
	best := 0
	for i, m := range ms {
		if m.Severity > ms[best].Severity {
			best = i
		}
	}
	return best
}

// MonitorStore keeps captures, an organisation's monitoring settings and
// its exclusions. Its contract is store.go's, with these rules of access
// (the access table's OpSendCaptures, OpReadMonitorSettings,
// OpSetMonitorSettings, OpReviewCaptures):
//
//   - a monitor's account (RoleMonitor) records captures for its own
//     organisation and reads its settings, and nothing else;
//   - the organisation's DSLs, and no one else, list, read and review its
//     captures and make exclusions; another organisation's capture is
//     ENOTFOUND;
//   - its DSLs and managers read and set its settings;
//   - the erasure job deletes captures past their date
//     (RetentionEraser.PruneRecords).
//
// Reading one capture and every change to one is journaled.
type MonitorStore interface {
	// RecordCaptures validates a batch (EINVALID, naming each bad field,
	// unless ValidateCaptures passes), drops those on excluded sites,
	// scans the rest with scan, drops matches the organisation's
	// exclusions cover, and stores the captures left with a match, the
	// text around it only. A capture whose id was stored before is a
	// duplicate and changes nothing. A stored capture of severity
	// CaptureAlertSeverity or more alerts the DSLs at once, in the same
	// transaction.
	RecordCaptures(ctx context.Context, in []NewCapture, scan CaptureScanner) (*CaptureReceipt, error)
	// MonitorSettings returns org's settings (the defaults when none are
	// set), the actor's own organisation's when org is 0.
	MonitorSettings(ctx context.Context, org int64) (*MonitorSettings, error)
	SetMonitorSettings(ctx context.Context, s MonitorSettings) (*MonitorSettings, error)
	// Captures lists the organisation's captures of the filter's verdict,
	// the most severe first, then the newest.
	Captures(ctx context.Context, f CaptureFilter) ([]Capture, error)
	Capture(ctx context.Context, id int64) (*Capture, error)
	// ReviewCapture records the DSL's verdict (VerdictTrue or
	// VerdictFalse) with a note (required for a false positive, so that
	// the reason is kept with the library's record of its errors), and
	// sets when it is deleted.
	ReviewCapture(ctx context.Context, id int64, verdict, note string) (*Capture, error)
	// RecordCaptureConcern records nc as a concern of the organisation
	// reported by the DSL, marks the capture a true positive linked to it,
	// in one transaction; ECONFLICT when the capture has a concern already.
	RecordCaptureConcern(ctx context.Context, id int64, nc NewConcern) (*Concern, error)
	// IgnoreCapturePhrase makes an exclusion of the capture's primary
	// entry on its site, and marks the capture a false positive if it was
	// not reviewed.
	IgnoreCapturePhrase(ctx context.Context, id int64) (*CaptureExclusion, error)
	CaptureExclusions(ctx context.Context) ([]CaptureExclusion, error)
}
