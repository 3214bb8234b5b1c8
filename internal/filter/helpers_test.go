package filter

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/lifeguard-scp/lifeguard/internal/filter/policy"
)

// This file holds what the filter's tests share: a small authoritative
// server on loopback that stands in for the upstream resolvers, a policy
// double built from YAML like the real one, in-memory sinks, a clock the
// tests move, and clients that speak DNS over UDP, TCP and HTTPS. Packets
// are built and read with golang.org/x/net/dns/dnsmessage, a codec
// independent of the filter's own.

// testClock is a clock the tests set.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *testClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }

// testUpstream is an authoritative server for a few test names.
type testUpstream struct {
	udp    *net.UDPConn
	tcp    net.Listener
	addr   netip.AddrPort
	silent atomic.Bool // drop every query (a dead upstream)
	mu     sync.Mutex
	counts map[string]int  // "name type" → queries seen
	ports  map[uint16]bool // UDP source ports seen
}

var (
	soaTest = dnsmessage.SOAResource{NS: mustName("ns.test."), MBox: mustName("admin.test."), Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, MinTTL: 60}
)

func mustName(s string) dnsmessage.Name { return dnsmessage.MustNewName(s) }

func startUpstream(t testing.TB) *testUpstream {
	t.Helper()
	u := &testUpstream{counts: map[string]int{}, ports: map[uint16]bool{}}
	// UDP and TCP on one port: the port UDP gets may be taken for TCP, so
	// try again until both bind.
	var tl net.Listener
	for attempt := 0; ; attempt++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		u.udp = pc.(*net.UDPConn)
		u.addr = u.udp.LocalAddr().(*net.UDPAddr).AddrPort()
		if tl, err = net.Listen("tcp", u.addr.String()); err == nil {
			break
		}
		u.udp.Close()
		if attempt == 20 {
			t.Fatal(err)
		}
	}
	u.tcp = tl
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := u.udp.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			u.mu.Lock()
			u.ports[from.Port()] = true
			u.mu.Unlock()
			out := u.answer(buf[:n], true) // counted even when silent
			if out != nil && !u.silent.Load() {
				u.udp.WriteToUDPAddrPort(out, from)
			}
		}
	}()
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					msg, err := readTCPMsg(c, nil)
					if err != nil {
						return
					}
					out := u.answer(msg, false)
					if out == nil {
						return
					}
					c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(out))), out...))
				}
			}()
		}
	}()
	t.Cleanup(func() { u.udp.Close(); u.tcp.Close() })
	return u
}

func (u *testUpstream) count(name string, qtype dnsmessage.Type) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.counts[name+" "+qtype.String()]
}

// answer builds the authoritative reply for req. Over UDP, a reply larger
// than the asker's payload size goes back empty with TC set.
func (u *testUpstream) answer(req []byte, udp bool) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	p.SkipAllQuestions()
	p.SkipAllAnswers()
	p.SkipAllAuthorities()
	size, edns := 512, false
	for {
		rh, err := p.AdditionalHeader()
		if err != nil {
			break
		}
		if rh.Type == dnsmessage.TypeOPT {
			size, edns = int(rh.Class), true
		}
		p.SkipAdditional()
	}
	name := strings.ToLower(q.Name.String())
	u.mu.Lock()
	u.counts[name+" "+q.Type.String()]++
	u.mu.Unlock()
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	hdr := func(n string, ttl uint32) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: mustName(n), Class: dnsmessage.ClassINET, TTL: ttl}
	}
	a := func(n string, ip string, ttl uint32) {
		addr := netip.MustParseAddr(ip)
		if addr.Is4() && q.Type == dnsmessage.TypeA {
			b.AResource(hdr(n, ttl), dnsmessage.AResource{A: addr.As4()})
		}
		if addr.Is6() && q.Type == dnsmessage.TypeAAAA {
			b.AAAAResource(hdr(n, ttl), dnsmessage.AAAAResource{AAAA: addr.As16()})
		}
	}
	rcode, found := dnsmessage.RCodeSuccess, true
	switch name {
	case "allowed.test.":
		a(name, "192.0.2.10", 300)
		a(name, "2001:db8::10", 300)
	case "www.allowed.test.":
		b.CNAMEResource(hdr(name, 600), dnsmessage.CNAMEResource{CNAME: mustName("allowed.test.")})
		a("allowed.test.", "192.0.2.10", 300)
	case "safe.search.test.":
		b.CNAMEResource(hdr(name, 3600), dnsmessage.CNAMEResource{CNAME: mustName("restrict.search.test.")})
		a("restrict.search.test.", "192.0.2.53", 120)
	case "www.search.test.":
		a(name, "192.0.2.50", 300)
	case "games.test.", "bad.test.", "www.bad.test.", "chat.test.", "short.test.":
		ttl := uint32(300)
		if name == "short.test." {
			ttl = 5
		}
		a(name, "192.0.2.20", ttl)
	case "big.test.":
		if q.Type == dnsmessage.TypeTXT {
			for i := range 20 {
				b.TXTResource(hdr(name, 300), dnsmessage.TXTResource{TXT: []string{strings.Repeat(string(rune('a'+i)), 120)}})
			}
		}
	case "fail.test.":
		rcode = dnsmessage.RCodeServerFailure
	default:
		rcode, found = dnsmessage.RCodeNameError, false
	}
	if rcode == dnsmessage.RCodeNameError || (found && rcode == dnsmessage.RCodeSuccess) {
		// NXDOMAIN, or NODATA when nothing of the type was written: the SOA
		// carries the negative TTL.
		b.StartAuthorities()
		b.SOAResource(hdr("test.", 3600), soaTest)
	}
	if edns {
		b.StartAdditionals()
		var opt dnsmessage.ResourceHeader
		opt.SetEDNS0(4096, dnsmessage.RCodeSuccess, false)
		b.OPTResource(opt, dnsmessage.OPTResource{})
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	binary.BigEndian.PutUint16(out[2:], binary.BigEndian.Uint16(out[2:])&^0xF|uint16(rcode))
	if udp && len(out) > size {
		// Truncate: header and question only, TC set.
		tb := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Truncated: true, RecursionDesired: h.RecursionDesired})
		tb.StartQuestions()
		tb.Question(q)
		out, _ = tb.Finish()
	}
	return out
}

// testPolicy is a policy double with the shape of the real one: clients to
// groups by address and by DoH device path, blocked names per group (a name
// covers its subdomains), safe-search rewrites per group, and a schedule
// that allows games.test to a group from an hour of the day (UTC).
type testPolicy struct {
	doc testPolicyDoc
}

type testPolicyDoc struct {
	Clients    map[string]string            `yaml:"clients"`
	Devices    map[string]string            `yaml:"devices"`
	Block      map[string]map[string]string `yaml:"block"` // group ("default") → name → category
	Rewrite    map[string]map[string]string `yaml:"rewrite"`
	GamesAfter map[string]int               `yaml:"games_after"`
	Marker     string                       `yaml:"marker"` // tells one build from another
}

// testBuilder builds testPolicy from YAML, strictly, like the real engine.
type testBuilder struct{ builds atomic.Int64 }

func (b *testBuilder) Build(_ context.Context, doc []byte, _ string) (BuiltPolicy, error) {
	var d testPolicyDoc
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil && err != io.EOF {
		return BuiltPolicy{}, fmt.Errorf("policy: %w", err)
	}
	b.builds.Add(1)
	return BuiltPolicy{Decider: &testPolicy{doc: d}}, nil
}

var alertCategories = map[string]bool{"csam": true, "terrorism": true, "self_harm": true, "extremism": true}

func (p *testPolicy) group(q policy.Query) string {
	if q.DoHPath != "" {
		return p.doc.Devices[q.DoHPath]
	}
	return p.doc.Clients[q.Client.String()]
}

func (p *testPolicy) Decide(q policy.Query) policy.Verdict {
	g := p.group(q)
	key := g
	if key == "" {
		key = "default"
	}
	for n := q.Name; ; {
		if cat, ok := p.doc.Block[key][n]; ok {
			return policy.Verdict{Action: policy.Block, Group: g, Category: cat, Alert: alertCategories[cat]}
		}
		_, rest, ok := strings.Cut(n, ".")
		if !ok {
			break
		}
		n = rest
	}
	if t, ok := p.doc.Rewrite[key][q.Name]; ok {
		return policy.Verdict{Action: policy.Rewrite, Group: g, Target: t}
	}
	if q.Name == "games.test" {
		if h, ok := p.doc.GamesAfter[key]; !ok || q.Time.Hour() < h {
			return policy.Verdict{Action: policy.Block, Group: g, Category: "games"}
		}
	}
	return policy.Verdict{Action: policy.Allow, Group: g}
}

func (p *testPolicy) Reason(category string) string {
	switch category {
	case "pornography":
		return "This website shows things that are only for adults."
	case "games":
		return "Games are not allowed at this time of day."
	}
	return "This website is not allowed here."
}

const testPolicyYAML = `
clients: {"127.0.0.2": primary, "127.0.0.3": secondary}
devices: {tablet-7: secondary}
block:
  default: {bad.test: pornography, chat.test: chat}
  primary: {bad.test: pornography, chat.test: chat, selfharm.test: self_harm}
  secondary: {bad.test: pornography}
rewrite:
  primary: {www.search.test: safe.search.test}
  secondary: {www.search.test: safe.search.test}
games_after: {secondary: 16}
`

// memSink keeps events in memory.
type memSink struct {
	mu     sync.Mutex
	events []Event
}

func (s *memSink) Event(e Event) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

func (s *memSink) all() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

type memReports struct {
	mu      sync.Mutex
	reports []Report
}

func (m *memReports) Report(_ context.Context, r Report) error {
	m.mu.Lock()
	m.reports = append(m.reports, r)
	m.mu.Unlock()
	return nil
}

func (m *memReports) all() []Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.reports)
}

// harness is a running filter in front of a test upstream.
type harness struct {
	f       *Filter
	up      *testUpstream
	clock   *testClock
	events  *memSink
	reports *memReports
	dns     netip.AddrPort
	doh     string // base URL
	page    string // base URL
}

// testStart is a Monday at 10:00 UTC.
var testStart = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testConfig(up netip.AddrPort) Config {
	c := Default()
	c.DNS.Listen = []string{"127.0.0.1:0"}
	c.DNS.Upstreams = []string{up.String()}
	c.DNS.UpstreamTimeout = 2 * time.Second
	c.BlockAnswer.IPv4 = "192.0.2.1"
	c.BlockAnswer.IPv6 = "2001:db8::1"
	c.DoH.Listen = "127.0.0.1:0"
	c.BlockPage.Listen = "127.0.0.1:0"
	return c
}

func newHarness(t testing.TB, change func(*Config), options ...func(*Options)) *harness {
	t.Helper()
	h := &harness{up: startUpstream(t), clock: newTestClock(testStart), events: &memSink{}, reports: &memReports{}}
	cfg := testConfig(h.up.addr)
	if change != nil {
		change(&cfg)
	}
	built, err := (&testBuilder{}).Build(t.Context(), []byte(testPolicyYAML), "")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Config: cfg, Policy: built.Decider, Events: h.events, Reports: h.reports, Now: h.clock.Now, BaseDir: t.TempDir()}
	for _, opt := range options {
		opt(&o)
	}
	f, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	h.f = f
	l, err := f.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.UDP) > 0 {
		h.dns = l.UDP[0].LocalAddr().(*net.UDPAddr).AddrPort()
	}
	if l.DoH != nil {
		h.doh = "http://" + l.DoH.Addr().String()
	}
	if l.BlockPage != nil {
		h.page = "http://" + l.BlockPage.Addr().String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return h
}

// buildQuery builds a query; size 0 means no EDNS0.
func buildQuery(t testing.TB, id uint16, name string, qtype dnsmessage.Type, size uint16) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	b.StartQuestions()
	if err := b.Question(dnsmessage.Question{Name: mustName(name), Type: qtype, Class: dnsmessage.ClassINET}); err != nil {
		t.Fatal(err)
	}
	if size > 0 {
		b.StartAdditionals()
		var opt dnsmessage.ResourceHeader
		opt.SetEDNS0(int(size), dnsmessage.RCodeSuccess, false)
		b.OPTResource(opt, dnsmessage.OPTResource{})
	}
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// reply is a parsed answer, its records written as "TYPE value TTL".
type reply struct {
	h       dnsmessage.Header
	answers []string
	ttls    []uint32
	auth    int
	opt     *dnsmessage.Resource
}

func parseReply(t testing.TB, msg []byte) reply {
	t.Helper()
	var m dnsmessage.Message
	if err := m.Unpack(msg); err != nil {
		t.Fatalf("the filter's answer does not parse: %v\n% x", err, msg)
	}
	r := reply{h: m.Header, auth: len(m.Authorities)}
	for _, a := range m.Answers {
		r.answers = append(r.answers, describeRR(a))
		r.ttls = append(r.ttls, a.Header.TTL)
	}
	for i := range m.Additionals {
		if m.Additionals[i].Header.Type == dnsmessage.TypeOPT {
			r.opt = &m.Additionals[i]
		}
	}
	return r
}

func describeRR(a dnsmessage.Resource) string {
	switch b := a.Body.(type) {
	case *dnsmessage.AResource:
		return "A " + netip.AddrFrom4(b.A).String()
	case *dnsmessage.AAAAResource:
		return "AAAA " + netip.AddrFrom16(b.AAAA).String()
	case *dnsmessage.CNAMEResource:
		return a.Header.Name.String() + " CNAME " + b.CNAME.String()
	case *dnsmessage.TXTResource:
		return "TXT " + strings.Join(b.TXT, "")
	}
	return a.Header.Type.String()
}

// udpFrom sends msg over UDP from the loopback address from (127.0.0.x
// picks the client's group) and returns the reply.
func udpFrom(t testing.TB, from string, to netip.AddrPort, msg []byte) []byte {
	t.Helper()
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, net.UDPAddrFromAddrPort(to))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no UDP answer: %v", err)
	}
	return buf[:n]
}

func tcpFrom(t testing.TB, from string, to netip.AddrPort, msg []byte) []byte {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", to.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)); err != nil {
		t.Fatal(err)
	}
	out, err := readTCPMsg(c, nil)
	if err != nil {
		t.Fatalf("no TCP answer: %v", err)
	}
	return out
}

// dohClient speaks to the DoH server from a given loopback address.
func dohClient(from string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func dohGet(t testing.TB, c *http.Client, url string, msg []byte) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(url + "?dns=" + base64.RawURLEncoding.EncodeToString(msg))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func dohPost(t testing.TB, c *http.Client, url string, msg []byte) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Post(url, dohType, bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}
