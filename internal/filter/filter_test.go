package filter

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// transports sends a query by each way a client can, from a loopback
// address (which picks the client's group) and, for DoH, a device path.
var transports = []struct {
	name string
	send func(t *testing.T, h *harness, from, device string, msg []byte) []byte
}{
	{"udp", func(t *testing.T, h *harness, from, _ string, msg []byte) []byte { return udpFrom(t, from, h.dns, msg) }},
	{"tcp", func(t *testing.T, h *harness, from, _ string, msg []byte) []byte { return tcpFrom(t, from, h.dns, msg) }},
	{"doh-get", func(t *testing.T, h *harness, from, device string, msg []byte) []byte {
		res, body := dohGet(t, dohClient(from), h.doh+dohPath(device), msg)
		checkDoHResponse(t, res)
		return body
	}},
	{"doh-post", func(t *testing.T, h *harness, from, device string, msg []byte) []byte {
		res, body := dohPost(t, dohClient(from), h.doh+dohPath(device), msg)
		checkDoHResponse(t, res)
		return body
	}},
}

func dohPath(device string) string {
	if device == "" {
		return "/dns-query"
	}
	return "/dns-query/" + device
}

func checkDoHResponse(t *testing.T, res *http.Response) {
	t.Helper()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != dohType {
		t.Fatalf("DoH answered %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.Header.Get("Cache-Control") == "" {
		t.Error("DoH answer has no Cache-Control")
	}
}

func TestAnswersPerGroup(t *testing.T) {
	h := newHarness(t, nil)
	const (
		anyone    = "127.0.0.1"
		primary   = "127.0.0.2"
		secondary = "127.0.0.3"
	)
	blockA := []string{"A 192.0.2.1"}
	rewritten := []string{"www.search.test. CNAME safe.search.test.", "safe.search.test. CNAME restrict.search.test.", "A 192.0.2.53"}
	tests := []struct {
		name     string
		from     string
		device   string // DoH only
		at       int    // hour of the day
		qname    string
		qtype    dnsmessage.Type
		rcode    dnsmessage.RCode
		want     []string
		category string // the blocked attempt recorded, "" for none
		group    string
	}{
		{"allowed for anyone", anyone, "", 10, "allowed.test.", dnsmessage.TypeA, 0, []string{"A 192.0.2.10"}, "", ""},
		{"allowed AAAA", anyone, "", 10, "allowed.test.", dnsmessage.TypeAAAA, 0, []string{"AAAA 2001:db8::10"}, "", ""},
		{"allowed through a CNAME", anyone, "", 10, "www.allowed.test.", dnsmessage.TypeA, 0, []string{"www.allowed.test. CNAME allowed.test.", "A 192.0.2.10"}, "", ""},
		{"blocked for the default group", anyone, "", 10, "bad.test.", dnsmessage.TypeA, 0, blockA, "pornography", ""},
		{"a blocked name covers its subdomains", anyone, "", 10, "www.bad.test.", dnsmessage.TypeAAAA, 0, []string{"AAAA 2001:db8::1"}, "pornography", ""},
		{"blocked, another type: no records", anyone, "", 10, "bad.test.", dnsmessage.TypeTXT, 0, nil, "pornography", ""},
		{"case does not get past the filter", anyone, "", 10, "BaD.TeSt.", dnsmessage.TypeA, 0, blockA, "pornography", ""},
		{"chat blocked for primary", primary, "", 10, "chat.test.", dnsmessage.TypeA, 0, blockA, "chat", "primary"},
		{"chat allowed for secondary", secondary, "", 10, "chat.test.", dnsmessage.TypeA, 0, []string{"A 192.0.2.20"}, "", "secondary"},
		{"safe search for primary", primary, "", 10, "www.search.test.", dnsmessage.TypeA, 0, rewritten, "", "primary"},
		{"no safe search for the default group", anyone, "", 10, "www.search.test.", dnsmessage.TypeA, 0, []string{"A 192.0.2.50"}, "", ""},
		{"games blocked for secondary in the morning", secondary, "", 10, "games.test.", dnsmessage.TypeA, 0, blockA, "games", "secondary"},
		{"games allowed for secondary after 16:00", secondary, "", 17, "games.test.", dnsmessage.TypeA, 0, []string{"A 192.0.2.20"}, "", "secondary"},
		{"games blocked for primary after 16:00", primary, "", 17, "games.test.", dnsmessage.TypeA, 0, blockA, "games", "primary"},
		{"a name that does not exist", anyone, "", 10, "nothing.test.", dnsmessage.TypeA, dnsmessage.RCodeNameError, nil, "", ""},
		{"a failing upstream", anyone, "", 10, "fail.test.", dnsmessage.TypeA, dnsmessage.RCodeServerFailure, nil, "", ""},
	}
	dohOnly := []struct {
		name, from, device, qname string
		at                        int
		want                      []string
		category, group           string
	}{
		{"a device is in its group wherever it is", anyone, "tablet-7", "chat.test.", 10, []string{"A 192.0.2.20"}, "", "secondary"},
		{"a device's schedule", primary, "tablet-7", "games.test.", 10, blockA, "games", "secondary"},
		{"an unknown device is in the default group", secondary, "phone-1", "chat.test.", 10, blockA, "chat", ""},
	}
	id := uint16(1)
	for _, tr := range transports {
		for _, tc := range tests {
			t.Run(tr.name+"/"+tc.name, func(t *testing.T) {
				h.clock.Set(testStart.Add(time.Duration(tc.at-10) * time.Hour))
				before := len(h.events.all())
				id++
				msg := buildQuery(t, id, tc.qname, tc.qtype, 1232)
				r := parseReply(t, tr.send(t, h, tc.from, "", msg))
				checkReply(t, r, id, tc.rcode, tc.want)
				checkEvent(t, h.events.all()[before:], tc.from, tc.qname, tc.category, tc.group)
			})
		}
		if tr.name == "udp" || tr.name == "tcp" {
			continue
		}
		for _, tc := range dohOnly {
			t.Run(tr.name+"/"+tc.name, func(t *testing.T) {
				h.clock.Set(testStart.Add(time.Duration(tc.at-10) * time.Hour))
				before := len(h.events.all())
				msg := buildQuery(t, 0, tc.qname, dnsmessage.TypeA, 0) // RFC 8484 §4.1: ID 0
				r := parseReply(t, tr.send(t, h, tc.from, tc.device, msg))
				checkReply(t, r, 0, 0, tc.want)
				checkEvent(t, h.events.all()[before:], tc.from, tc.qname, tc.category, tc.group)
			})
		}
	}
}

func checkReply(t *testing.T, r reply, id uint16, rcode dnsmessage.RCode, want []string) {
	t.Helper()
	if r.h.ID != id || !r.h.Response || !r.h.RecursionAvailable || !r.h.RecursionDesired {
		t.Errorf("header %+v: want the query's ID %d, a response, RD and RA", r.h, id)
	}
	if r.h.RCode != rcode {
		t.Errorf("rcode %v, want %v", r.h.RCode, rcode)
	}
	if !slices.Equal(r.answers, want) {
		t.Errorf("answers %q, want %q", r.answers, want)
	}
}

func checkEvent(t *testing.T, events []Event, from, qname, category, group string) {
	t.Helper()
	if category == "" {
		if len(events) != 0 {
			t.Errorf("recorded %+v for a name that was not blocked", events)
		}
		return
	}
	if len(events) != 1 {
		t.Fatalf("recorded %d events for one blocked query, want 1", len(events))
	}
	e := events[0]
	if e.Client.String() != from || e.Category != category || e.Group != group || e.Name+"." != lower(qname) || e.Time.IsZero() {
		t.Errorf("recorded %+v, want client %s, group %q, name %s, category %s", e, from, group, qname, category)
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
