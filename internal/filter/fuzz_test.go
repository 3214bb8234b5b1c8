package filter

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// newOfflineFilter is a filter with the test policy and no sockets: handle
// is called directly. Its upstream is an address nothing listens on, and
// the fuzz tests never let it be asked (mayDefer).
func newOfflineFilter(t testing.TB) (*Filter, *testClock) {
	t.Helper()
	clock := newTestClock(testStart)
	built, err := (&testBuilder{}).Build(t.Context(), []byte(testPolicyYAML), "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(netip.MustParseAddrPort("127.0.0.1:9"))
	f, err := New(Options{Config: cfg, Policy: built.Decider, Events: &memSink{}, Reports: &memReports{}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f, clock
}

// FuzzHandleQuery feeds any bytes to the query path, as a client could. It
// must never panic, and whatever it answers must be a DNS message with the
// query's ID that fits the transport.
func FuzzHandleQuery(f *testing.F) {
	for _, q := range []struct {
		name  string
		qtype dnsmessage.Type
		size  uint16
	}{
		{"allowed.test.", dnsmessage.TypeA, 0},
		{"bad.test.", dnsmessage.TypeAAAA, 1232},
		{"www.search.test.", dnsmessage.TypeA, 4096},
		{"big.test.", dnsmessage.TypeTXT, 512},
		{".", dnsmessage.TypeNS, 1232},
	} {
		f.Add(buildQuery(f, 0x1234, q.name, q.qtype, q.size))
	}
	f.Add([]byte{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1})
	f.Add([]byte{0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 'a', 0, 0, 1, 0, 1, 0xC0, 12, 0, 5, 0, 1})
	filter, _ := newOfflineFilter(f)
	r := newRequest()
	client := netip.MustParseAddr("127.0.0.2")
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, limit := range []int{0, maxMsg} {
			out, err := filter.handle(t.Context(), r, r.out[:0], msg, client, "", limit, true)
			if err == errDefer || out == nil {
				continue
			}
			if err != nil {
				t.Fatalf("handle: %v", err)
			}
			r.out = out[:0]
			if len(out) < headerLen || binary.BigEndian.Uint16(out) != binary.BigEndian.Uint16(msg) || out[2]&0x80 == 0 {
				t.Fatalf("answer % x to % x is not a response with the query's ID", out, msg)
			}
			if limit == 0 && len(out) > ednsSize {
				t.Fatalf("a UDP answer of %d bytes", len(out))
			}
			var m dnsmessage.Message
			if err := m.Unpack(out); err != nil {
				t.Fatalf("the answer does not parse: %v\nquery % x\nanswer % x", err, msg, out)
			}
		}
	})
}

// FuzzUpstreamReply feeds any records to the path an upstream's reply takes:
// checking, caching, serving with aged TTLs, and copying into a safe-search
// rewrite. A broken reply must be refused, never cached, and never panic.
func FuzzUpstreamReply(f *testing.F) {
	seed := func(build func(b *dnsmessage.Builder)) {
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 1, Response: true})
		b.EnableCompression()
		b.StartQuestions()
		b.Question(dnsmessage.Question{Name: mustName("safe.search.test."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
		build(&b)
		msg, err := b.Finish()
		if err != nil {
			f.Fatal(err)
		}
		q := len("safe.search.test.") + 1 + 4
		f.Add(binary.BigEndian.Uint16(msg[6:]), binary.BigEndian.Uint16(msg[8:]), binary.BigEndian.Uint16(msg[10:]), msg[2], msg[3], msg[headerLen+q:])
	}
	seed(func(b *dnsmessage.Builder) {
		b.StartAnswers()
		b.CNAMEResource(dnsmessage.ResourceHeader{Name: mustName("safe.search.test."), Class: 1, TTL: 60}, dnsmessage.CNAMEResource{CNAME: mustName("x.search.test.")})
		b.AResource(dnsmessage.ResourceHeader{Name: mustName("x.search.test."), Class: 1, TTL: 30}, dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}})
	})
	seed(func(b *dnsmessage.Builder) {
		b.StartAuthorities()
		b.SOAResource(dnsmessage.ResourceHeader{Name: mustName("test."), Class: 1, TTL: 60}, soaTest)
		b.StartAdditionals()
		var opt dnsmessage.ResourceHeader
		opt.SetEDNS0(1232, dnsmessage.RCodeSuccess, true)
		b.OPTResource(opt, dnsmessage.OPTResource{})
	})
	seed(func(b *dnsmessage.Builder) {
		b.StartAnswers()
		b.MXResource(dnsmessage.ResourceHeader{Name: mustName("safe.search.test."), Class: 1, TTL: 60}, dnsmessage.MXResource{Pref: 1, MX: mustName("mx.search.test.")})
	})
	filter, clock := newOfflineFilter(f)
	r := newRequest()
	wire, _ := appendWireName(nil, "safe.search.test")
	primary := netip.MustParseAddr("127.0.0.2")
	f.Fuzz(func(t *testing.T, an, ns, ar uint16, flags0, flags1 byte, rest []byte) {
		msg := []byte{0, 1, flags0 | 0x80, flags1, 0, 1}
		msg = binary.BigEndian.AppendUint16(msg, an)
		msg = binary.BigEndian.AppendUint16(msg, ns)
		msg = binary.BigEndian.AppendUint16(msg, ar)
		msg = append(msg, wire...)
		msg = append(msg, 0, 1, 0, 1)
		msg = append(msg, rest...)
		a := &answer{}
		if err := inspectAnswer(msg, 1, wire, typeA, a); err != nil {
			return
		}
		if a.end > len(msg) || a.end < headerLen {
			t.Fatalf("end %d outside the message of %d", a.end, len(msg))
		}
		for _, o := range a.ttlOffs {
			if int(o)+4 > a.end {
				t.Fatalf("a TTL at %d past the kept message (%d)", o, a.end)
			}
		}
		kept := append([]byte(nil), msg[:a.end]...)
		binary.BigEndian.PutUint16(kept[10:], uint16(a.arKept))
		filter.cache = newCache(1 << 20)
		key := append(append([]byte(nil), wire...), 0, typeA, 0)
		filter.cache.put(key, kept, append([]uint16(nil), a.ttlOffs...), a.rcode>>4, 3600e9, clock.Now())
		clock.Advance(7e9)
		defer clock.Set(testStart)
		for _, q := range []struct {
			name   string
			client netip.Addr
		}{{"safe.search.test.", netip.MustParseAddr("127.0.0.1")}, {"www.search.test.", primary}} {
			query := buildQuery(t, 99, q.name, dnsmessage.TypeA, 0)
			out, err := filter.handle(t.Context(), r, r.out[:0], query, q.client, "", maxMsg, true)
			if err != nil || out == nil {
				// A rewrite whose target's records cannot be copied gets
				// SERVFAIL; nothing else may fail here.
				t.Fatalf("%s: %v", q.name, err)
			}
			r.out = out[:0]
			if binary.BigEndian.Uint16(out) != 99 {
				t.Fatalf("%s: the answer has ID %d", q.name, binary.BigEndian.Uint16(out))
			}
		}
	})
}
