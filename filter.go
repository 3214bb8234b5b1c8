package lifeguard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The DNS filter (internal/filter) runs at an organisation that gives
// children internet access. Attached to a Lifeguard server, it reads the
// organisation's filter policy from it and sends it what the block page and
// the DNS side see: blocked attempts (events), "this block is wrong" (review
// requests) and "I saw something that worried me" (worries). The server
// raises alerts to the DSL for attempts on the alert categories, and makes a
// worry a concern. docs/filter-server.md describes the whole link.

// FilterCategory is a stable code of a filtering category, as the filter's
// policy names them.
type FilterCategory string

// filterCategories is the catalogue, in the order pages list them.
var filterCategories = [...]FilterCategory{"csam", "terrorism", "pornography", "gambling", "drugs", "extremism",
	"hate", "malware_hacking", "piracy", "self_harm", "violence", "filter_bypass", "social_networks", "games",
	"chat", "dating"}

// FilterCategories lists the category codes.
func FilterCategories() []FilterCategory {
	return append([]FilterCategory(nil), filterCategories[:]...)
}

// filterCategoryWords name each category for people, in lower case, to
// stand in a sentence.
var filterCategoryWords = map[FilterCategory]string{
	"csam": "child sexual abuse material", "terrorism": "terrorist content", "pornography": "pornography",
	"gambling": "gambling", "drugs": "drugs", "extremism": "extremism", "hate": "hate and discrimination",
	"malware_hacking": "malware and hacking", "piracy": "piracy", "self_harm": "self-harm and suicide",
	"violence": "violence", "filter_bypass": "getting round the filter", "social_networks": "social networks",
	"games": "games", "chat": "chat", "dating": "dating",
}

// Label is the words people read for the category, or the code itself.
func (c FilterCategory) Label() string { return wordsFor(filterCategoryWords, c) }

// Valid reports whether c is a known category.
func (c FilterCategory) Valid() bool {
	for _, k := range filterCategories {
		if k == c {
			return true
		}
	}
	return false
}

// Alerts reports whether an attempt on c raises an alert to the DSL: child
// sexual abuse material, terrorist content (both illegal), self-harm and
// extremism.
func (c FilterCategory) Alerts() bool {
	return c == "csam" || c == "terrorism" || c == "self_harm" || c == "extremism"
}

// ConcernType is the concern type closest to the category, for a concern a
// DSL starts from an alert; "inappropriate_access" for the policy
// categories, which name no harm of their own.
func (c FilterCategory) ConcernType() ConcernType {
	switch c {
	case "csam":
		return "child_abuse_imagery"
	case "terrorism", "extremism":
		return "extremist_content"
	case "self_harm":
		return "self_harm"
	case "pornography":
		return "pornography"
	case "gambling":
		return "gambling"
	case "drugs":
		return "drugs"
	case "hate":
		return "hate"
	case "violence":
		return "violent_content"
	case "malware_hacking", "piracy":
		return "cybercrime"
	}
	return "inappropriate_access"
}

// Limits of what a filter sends.
const (
	// MaxFilterBatch is the most events one request may carry.
	MaxFilterBatch = 500
	// MaxFilterPolicy bounds a policy document, in bytes of JSON.
	MaxFilterPolicy = 256 << 10
	// MaxFilterName is the longest DNS name (RFC 1035), without the final dot.
	MaxFilterName    = 253
	MaxFilterGroup   = 64
	MaxFilterComment = 2000
	MaxFilterWorry   = 5000
	// MaxAlertNames is how many distinct names an alert keeps; its count
	// goes on past them.
	MaxAlertNames = 20
	// FilterClockSkew is how far in the future an attempt's time may be, for
	// a filter whose clock runs a little ahead of the server's.
	FilterClockSkew = time.Hour
)

// FilterAttempt is what the filter knows of one blocked name: when, which
// device (its address), the device's group in the policy, the name and the
// category that blocked it. ID is a UUID the filter gives it, so that a
// resent attempt is recognised and never recorded twice.
type FilterAttempt struct {
	ID       string         `json:"id"`
	Time     time.Time      `json:"time"`
	Client   string         `json:"client"`
	Group    string         `json:"group"`
	Name     string         `json:"name"`
	Category FilterCategory `json:"category"`
}

// FilterEvent is one blocked attempt.
type FilterEvent = FilterAttempt

// NewFilterReview is a "this block is wrong" request from the block page.
type NewFilterReview struct {
	FilterAttempt
	Comment string `json:"comment"`
}

// NewFilterWorry is "I saw something that worried me" from the block page,
// with what it is about as the child chose it (see WorryAbout; "" for
// WorrySomethingElse) and the child's own words in Text.
type NewFilterWorry struct {
	FilterAttempt
	About WorryAbout `json:"about,omitempty"`
	Text  string     `json:"text"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// groupPattern is the shape of a group's name in the policy.
var groupPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// Validate returns what is wrong with the attempt, each problem's path
// prefixed with prefix ("events[3]." or ""). now bounds the time: an
// attempt may not be more than FilterClockSkew ahead of it.
func (a *FilterAttempt) Validate(prefix string, now time.Time) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Path: prefix + field, Problem: fmt.Sprintf(format, args...)})
	}
	switch {
	case a.ID == "":
		add("id", "is required")
	case !uuidPattern.MatchString(a.ID):
		add("id", "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e")
	}
	switch {
	case a.Time.IsZero():
		add("time", "is required")
	case a.Time.After(now.Add(FilterClockSkew)):
		add("time", "is more than an hour after the server's clock; check the filter's clock")
	case a.Time.Year() < 2000:
		add("time", "is before the year 2000; check the filter's clock")
	}
	if a.Client == "" {
		add("client", "is required")
	} else if ip, err := netip.ParseAddr(a.Client); err != nil || ip.Zone() != "" {
		add("client", "must be an IPv4 or IPv6 address without a zone, such as 10.0.0.7")
	}
	switch {
	case len(a.Group) > MaxFilterGroup:
		add("group", "is longer than %d characters", MaxFilterGroup)
	case a.Group != "" && !groupPattern.MatchString(a.Group):
		add("group", "must be a group's name: letters, digits, '_', '.' and '-'")
	}
	switch {
	case a.Name == "":
		add("name", "is required")
	case len(a.Name) > MaxFilterName:
		add("name", "is longer than %d characters, the longest DNS name", MaxFilterName)
	case !validDNSName(a.Name):
		add("name", "must be a DNS name in lower case without the final dot, such as example.com")
	}
	switch {
	case a.Category == "":
		add("category", "is required")
	case !a.Category.Valid():
		add("category", "%q is not a filtering category", string(a.Category))
	}
	return ps
}

// validDNSName reports whether s is a lower-case DNS name of labels of 1–63
// letters, digits, '-' and '_', without the final dot.
func validDNSName(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// ValidateFilterEvents checks a batch of events, naming each problem by
// its place in the batch.
func ValidateFilterEvents(events []FilterEvent, now time.Time) []Problem {
	if len(events) == 0 {
		return []Problem{{Path: "events", Problem: "is empty; send at least one event"}}
	}
	if len(events) > MaxFilterBatch {
		return []Problem{{Path: "events", Problem: fmt.Sprintf("holds %d events; send at most %d in one request",
			len(events), MaxFilterBatch)}}
	}
	var ps []Problem
	for i := range events {
		ps = append(ps, events[i].Validate(fmt.Sprintf("events[%d].", i), now)...)
	}
	return ps
}

// filterText checks free text from the block page.
func filterText(path, s string, max int, required bool) []Problem {
	switch {
	case TextProblem(s) != "":
		return []Problem{*CheckText(path, s)}
	case required && strings.TrimSpace(s) == "":
		return []Problem{{Path: path, Problem: "is required"}}
	case utf8.RuneCountInString(s) > max:
		return []Problem{{Path: path, Problem: fmt.Sprintf("is %d characters long; the most allowed is %d",
			utf8.RuneCountInString(s), max)}}
	}
	return nil
}

// Validate returns what is wrong with the review request. The comment may
// be empty: a child may only press the button.
func (r *NewFilterReview) Validate(now time.Time) []Problem {
	return append(r.FilterAttempt.Validate("", now), filterText("comment", r.Comment, MaxFilterComment, false)...)
}

// Validate returns what is wrong with the worry. Its text is required when
// the child chose "something else" (or nothing): then it is all the
// concern says. With another choice the child need not write anything.
func (w *NewFilterWorry) Validate(now time.Time) []Problem {
	ps := w.FilterAttempt.Validate("", now)
	if p := aboutProblem(w.About); p != "" {
		ps = append(ps, Problem{Path: "about", Problem: p})
	}
	return append(ps, filterText("text", w.Text, MaxFilterWorry, w.About.OrElse() == WorrySomethingElse)...)
}

// ValidateFilterPolicy checks what the server itself checks of a policy
// document: a JSON object of at most MaxFilterPolicy bytes. What is inside
// is for the filter's policy package, which knows its fields.
func ValidateFilterPolicy(doc []byte) []Problem {
	switch {
	case len(doc) > MaxFilterPolicy:
		return []Problem{{Path: "policy", Problem: fmt.Sprintf("is %d bytes; the most allowed is %d", len(doc), MaxFilterPolicy)}}
	case !json.Valid(doc):
		return []Problem{{Path: "policy", Problem: "is not well-formed JSON"}}
	case TextProblem(string(doc)) != "":
		// json.Valid lets invalid UTF-8 through inside strings, and the
		// document is stored as text.
		return []Problem{*CheckText("policy", string(doc))}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(doc, &obj); err != nil || obj == nil {
		return []Problem{{Path: "policy", Problem: "must be a JSON object"}}
	}
	return nil
}

// FilterPolicy is an organisation's filter policy document, as the filter
// reads it: the structure of the filter's policy configuration, in JSON.
// ETag changes whenever the document does.
type FilterPolicy struct {
	OrganisationID int64           `json:"organisation_id"`
	Document       json.RawMessage `json:"document"`
	ETag           string          `json:"etag"`
	UpdatedBy      int64           `json:"updated_by"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// FilterReceipt is the answer to a batch of events: every event of the
// batch is stored (Accepted), Duplicates of them were already.
type FilterReceipt struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// Statuses of alerts and review requests.
const (
	FilterOpen   = "open"
	FilterClosed = "closed"
)

// FilterAlert groups the attempts of one device on one alert category in
// one clock hour (UTC), for the DSL.
type FilterAlert struct {
	ID             int64          `json:"id"`
	OrganisationID int64          `json:"organisation_id"`
	Client         string         `json:"client"`
	Group          string         `json:"group"`
	Category       FilterCategory `json:"category"`
	Hour           time.Time      `json:"hour"`
	FirstAt        time.Time      `json:"first_at"`
	LastAt         time.Time      `json:"last_at"`
	Attempts       int            `json:"attempts"`
	// Names are the distinct names tried, the first MaxAlertNames of them.
	Names []string `json:"names"`
	// Status is open until the DSL marks the alert as dealt with (closed);
	// a new attempt in the same hour opens it again.
	Status   string     `json:"status"`
	ClosedBy *int64     `json:"closed_by"`
	ClosedAt *time.Time `json:"closed_at"`
	// ConcernID is the concern the DSL recorded from the alert, if any.
	ConcernID *int64    `json:"concern_id"`
	CreatedAt time.Time `json:"created_at"`
}

// FilterReview is a review request as the organisation sees it.
type FilterReview struct {
	ID             int64          `json:"id"`
	OrganisationID int64          `json:"organisation_id"`
	Ref            string         `json:"ref"` // the filter's id of the request
	Time           time.Time      `json:"time"`
	Client         string         `json:"client"`
	Group          string         `json:"group"`
	Name           string         `json:"name"`
	Category       FilterCategory `json:"category"`
	Comment        string         `json:"comment"`
	Status         string         `json:"status"`
	// Outcome is what the person who closed it decided, in their words.
	Outcome    string     `json:"outcome"`
	ClosedBy   *int64     `json:"closed_by"`
	ClosedAt   *time.Time `json:"closed_at"`
	ReceivedAt time.Time  `json:"received_at"`
}

// FilterWorryReceipt is the answer to a worry: the concern it became.
// Created is false when the worry had been received before.
type FilterWorryReceipt struct {
	ConcernID int64 `json:"-"`
	Created   bool  `json:"-"`
}

// FilterStore keeps what the filter sends and the organisation's filter
// policy. Its contract is store.go's, with these rules of access:
//
//   - the filter's account (RoleFilter) reads its own organisation's policy
//     and records events, review requests and worries for it, and nothing
//     else; no other role records them (EFORBIDDEN);
//   - an administrator sets and reads the policy of an organisation of their
//     partnership (ENOTFOUND for another partnership's);
//   - a DSL of the organisation lists, reads and closes its alerts;
//   - a DSL or manager of the organisation, or an administrator of its
//     partnership, lists and closes its review requests;
//   - the system actor passes every check. The erasure job deletes blocked
//     attempts past the retention schedule's filter_record rule
//     (RetentionEraser.PruneRecords).
type FilterStore interface {
	// SetFilterPolicy stores org's policy document (EINVALID unless
	// ValidateFilterPolicy passes) and gives it a new ETag.
	SetFilterPolicy(ctx context.Context, org int64, doc []byte) (*FilterPolicy, error)
	// FilterPolicy returns org's policy, the actor's own organisation's when
	// org is 0; ENOTFOUND when none is set.
	FilterPolicy(ctx context.Context, org int64) (*FilterPolicy, error)
	// RecordFilterEvents stores a batch of events (EINVALID, naming each bad
	// field, unless ValidateFilterEvents passes). Events already stored, by
	// id, are counted as duplicates and change nothing; the others raise or
	// add to alerts in the same transaction.
	RecordFilterEvents(ctx context.Context, events []FilterEvent) (*FilterReceipt, error)
	// RecordFilterReview stores a review request; created is false when its
	// id was stored before (the stored one is returned).
	RecordFilterReview(ctx context.Context, in NewFilterReview) (r *FilterReview, created bool, err error)
	// RecordFilterWorry records the worry as a concern of the organisation
	// reported by the filter's account, with the facts and triage given
	// (the caller triages them: see docs/filter-server.md), journaled as any
	// concern; a worry whose id was received before returns its concern.
	RecordFilterWorry(ctx context.Context, in NewFilterWorry, c NewConcern) (*FilterWorryReceipt, error)

	// FilterAlerts lists the organisation's alerts of a status (FilterOpen,
	// FilterClosed, or "" for both), the newest first, at most 200.
	FilterAlerts(ctx context.Context, status string) ([]FilterAlert, error)
	FilterAlert(ctx context.Context, id int64) (*FilterAlert, error)
	// CloseFilterAlert marks an alert as dealt with, with the concern the
	// DSL recorded from it when concernID is not 0 (a concern of the same
	// organisation the DSL can see; EINVALID otherwise).
	CloseFilterAlert(ctx context.Context, id, concernID int64) (*FilterAlert, error)

	// FilterReviews lists review requests of a status ("" for both), the
	// newest first, at most 200: the organisation's, or for an
	// administrator the partnership's.
	FilterReviews(ctx context.Context, status string) ([]FilterReview, error)
	// CloseFilterReview closes a request with what was decided (required).
	CloseFilterReview(ctx context.Context, id int64, outcome string) (*FilterReview, error)
}
