package filter

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// The serve path's benchmarks. BenchmarkHandle* time one query through
// handle (parse, policy, cache or block answer) without sockets;
// BenchmarkUDP* time whole round trips over loopback through a running
// filter. Run them with:
//
//	go test -run XXX -bench . -benchmem ./internal/filter/

func BenchmarkHandle(b *testing.B) {
	h := newHarness(b, nil, func(o *Options) { o.Events = discardSink{} })
	primary := netip.MustParseAddr("127.0.0.2")
	// Warm the cache with the names the cached cases ask for.
	for _, n := range []string{"allowed.test.", "safe.search.test."} {
		udpFrom(b, "127.0.0.1", h.dns, buildQuery(b, 1, n, dnsmessage.TypeA, 1232))
	}
	cases := []struct {
		name   string
		qname  string
		client netip.Addr
	}{
		{"cached", "allowed.test.", netip.MustParseAddr("127.0.0.1")},
		{"blocked", "www.bad.test.", primary},
		{"safe-search", "www.search.test.", primary},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			msg := buildQuery(b, 42, c.qname, dnsmessage.TypeA, 1232)
			r := newRequest()
			b.ReportAllocs()
			for b.Loop() {
				out, err := h.f.handle(b.Context(), r, r.out[:0], msg, c.client, "", 0, true)
				if err != nil || len(out) == 0 {
					b.Fatalf("no answer: %v", err)
				}
				r.out = out[:0]
			}
		})
	}
}

func BenchmarkUDP(b *testing.B) {
	h := newHarness(b, func(c *Config) { c.BlockPage.Listen, c.DoH.Listen = "", "" }, func(o *Options) { o.Events = discardSink{} })
	for _, name := range []string{"cached", "blocked"} {
		qname := map[string]string{"cached": "allowed.test.", "blocked": "bad.test."}[name]
		b.Run(name, func(b *testing.B) {
			msg := buildQuery(b, 42, qname, dnsmessage.TypeA, 1232)
			udpFrom(b, "127.0.0.1", h.dns, msg)
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(h.dns))
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				buf := make([]byte, 1500)
				for pb.Next() {
					c.SetDeadline(time.Now().Add(5 * time.Second))
					if _, err := c.Write(msg); err != nil {
						b.Error(err)
						return
					}
					if _, err := c.Read(buf); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

type discardSink struct{}

func (discardSink) Event(Event) {}
