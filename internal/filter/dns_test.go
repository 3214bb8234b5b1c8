package filter

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func TestCacheRespectsTTLs(t *testing.T) {
	h := newHarness(t, nil)
	ask := func(name string, qtype dnsmessage.Type) reply {
		t.Helper()
		return parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 7, name, qtype, 1232)))
	}
	t.Run("a cached answer ages and expires with its TTL", func(t *testing.T) {
		r := ask("allowed.test.", dnsmessage.TypeA)
		if r.ttls[0] != 300 {
			t.Fatalf("TTL %d, want the upstream's 300", r.ttls[0])
		}
		h.clock.Advance(100 * time.Second)
		r = ask("allowed.test.", dnsmessage.TypeA)
		if r.ttls[0] != 200 {
			t.Errorf("TTL after 100s in the cache: %d, want 200", r.ttls[0])
		}
		if n := h.up.count("allowed.test.", dnsmessage.TypeA); n != 1 {
			t.Errorf("upstream asked %d times, want 1", n)
		}
		h.clock.Advance(201 * time.Second)
		ask("allowed.test.", dnsmessage.TypeA)
		if n := h.up.count("allowed.test.", dnsmessage.TypeA); n != 2 {
			t.Errorf("upstream asked %d times after the TTL ran out, want 2", n)
		}
	})
	t.Run("the smallest TTL of a chain decides", func(t *testing.T) {
		ask("safe.search.test.", dnsmessage.TypeA) // CNAME 3600, A 120
		h.clock.Advance(121 * time.Second)
		r := ask("safe.search.test.", dnsmessage.TypeA)
		if n := h.up.count("safe.search.test.", dnsmessage.TypeA); n != 2 {
			t.Errorf("upstream asked %d times, want 2 (the A record's 120s ran out)", n)
		}
		if r.ttls[0] != 3600 {
			t.Errorf("TTLs %v after a fresh answer", r.ttls)
		}
	})
	t.Run("a missing name is cached for the SOA's negative TTL", func(t *testing.T) {
		r := ask("gone.test.", dnsmessage.TypeA)
		if r.h.RCode != dnsmessage.RCodeNameError || r.auth != 1 {
			t.Fatalf("rcode %v with %d authority records, want NXDOMAIN with the SOA", r.h.RCode, r.auth)
		}
		h.clock.Advance(59 * time.Second)
		ask("gone.test.", dnsmessage.TypeA)
		if n := h.up.count("gone.test.", dnsmessage.TypeA); n != 1 {
			t.Errorf("upstream asked %d times within the negative TTL (min(3600, 60)), want 1", n)
		}
		h.clock.Advance(2 * time.Second)
		ask("gone.test.", dnsmessage.TypeA)
		if n := h.up.count("gone.test.", dnsmessage.TypeA); n != 2 {
			t.Errorf("upstream asked %d times after the negative TTL, want 2", n)
		}
	})
	t.Run("no data for a type is cached like a missing name", func(t *testing.T) {
		r := ask("www.search.test.", dnsmessage.TypeAAAA)
		if r.h.RCode != dnsmessage.RCodeSuccess || len(r.answers) != 0 {
			t.Fatalf("rcode %v answers %v, want NOERROR with none", r.h.RCode, r.answers)
		}
		ask("www.search.test.", dnsmessage.TypeAAAA)
		if n := h.up.count("www.search.test.", dnsmessage.TypeAAAA); n != 1 {
			t.Errorf("upstream asked %d times, want 1", n)
		}
	})
	t.Run("a failure is cached only for servfail_ttl", func(t *testing.T) {
		ask("fail.test.", dnsmessage.TypeA)
		ask("fail.test.", dnsmessage.TypeA)
		if n := h.up.count("fail.test.", dnsmessage.TypeA); n != 1 {
			t.Errorf("upstream asked %d times within servfail_ttl, want 1", n)
		}
		h.clock.Advance(time.Second)
		ask("fail.test.", dnsmessage.TypeA)
		if n := h.up.count("fail.test.", dnsmessage.TypeA); n != 2 {
			t.Errorf("upstream asked %d times after servfail_ttl, want 2", n)
		}
	})
}

func TestTruncation(t *testing.T) {
	h := newHarness(t, nil)
	// big.test has 20 TXT records of 120 octets: more than 1232 bytes, so the
	// upstream truncates over UDP and the filter must ask again over TCP.
	t.Run("UDP without EDNS0 gets TC and nothing else", func(t *testing.T) {
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 9, "big.test.", dnsmessage.TypeTXT, 0)))
		if !r.h.Truncated || len(r.answers) != 0 || r.opt != nil {
			t.Errorf("TC %v, %d answers, OPT %v: want TC, none, and no OPT for a client without EDNS0", r.h.Truncated, len(r.answers), r.opt != nil)
		}
	})
	t.Run("UDP with EDNS0 4096 gets at most the filter's 1232", func(t *testing.T) {
		out := udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 9, "big.test.", dnsmessage.TypeTXT, 4096))
		r := parseReply(t, out)
		if !r.h.Truncated || len(out) > ednsSize || r.opt == nil {
			t.Errorf("TC %v, %d bytes, OPT %v", r.h.Truncated, len(out), r.opt != nil)
		}
		if r.opt != nil && r.opt.Header.Class != ednsSize {
			t.Errorf("the filter advertises %d, want %d", r.opt.Header.Class, ednsSize)
		}
	})
	t.Run("TCP gets the whole answer", func(t *testing.T) {
		r := parseReply(t, tcpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 9, "big.test.", dnsmessage.TypeTXT, 1232)))
		if r.h.Truncated || len(r.answers) != 20 {
			t.Errorf("TC %v with %d answers, want 20 whole", r.h.Truncated, len(r.answers))
		}
		if n := h.up.count("big.test.", dnsmessage.TypeTXT); n != 2 {
			t.Errorf("upstream asked %d times, want 2 (UDP, then TCP after TC), then the cache", n)
		}
	})
}

func TestEDNS(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("no OPT for a client without EDNS0", func(t *testing.T) {
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 3, "allowed.test.", dnsmessage.TypeA, 0)))
		if r.opt != nil {
			t.Error("the filter sent an OPT record to a client that sent none")
		}
	})
	t.Run("an OPT for a client with EDNS0, and Blocked as the reason", func(t *testing.T) {
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 3, "bad.test.", dnsmessage.TypeA, 1232)))
		if r.opt == nil {
			t.Fatal("no OPT record")
		}
		opt := r.opt.Body.(*dnsmessage.OPTResource)
		if len(opt.Options) != 1 || opt.Options[0].Code != optEDE || binary.BigEndian.Uint16(opt.Options[0].Data) != edeBlocked {
			t.Errorf("options %+v, want the Extended DNS Error Blocked (15)", opt.Options)
		}
	})
	t.Run("BADVERS for an EDNS version the filter does not know", func(t *testing.T) {
		msg := buildQuery(t, 3, "allowed.test.", dnsmessage.TypeA, 1232)
		msg[len(msg)-11+6] = 1 // the OPT TTL's version octet
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, msg))
		if r.opt == nil || r.opt.Header.ExtendedRCode(r.h.RCode) != dnsmessage.RCode(rcodeBadVers) {
			t.Errorf("rcode %v, want BADVERS", r.h.RCode)
		}
	})
}

func TestFailover(t *testing.T) {
	dead := startUpstream(t)
	dead.silent.Store(true)
	// A port with nothing behind it: the kernel refuses at once.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	pc.Close()
	h := newHarness(t, func(c *Config) {
		c.DNS.UpstreamTimeout = 300 * time.Millisecond
		c.DNS.Upstreams = append([]string{closed.String(), dead.addr.String()}, c.DNS.Upstreams...)
	})
	for i := range 3 {
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, uint16(i), "allowed.test.", dnsmessage.TypeA, 1232)))
		if r.h.RCode != dnsmessage.RCodeSuccess || len(r.answers) != 1 {
			t.Fatalf("query %d: rcode %v, answers %v: want the third upstream's answer", i, r.h.RCode, r.answers)
		}
		h.clock.Advance(time.Hour) // past the cache
	}
	if n := dead.count("allowed.test.", dnsmessage.TypeA); n != 1 {
		t.Errorf("the silent upstream was asked %d times, want once: the one that answers is tried first after", n)
	}
	t.Run("SERVFAIL when none answers", func(t *testing.T) {
		h.up.silent.Store(true)
		defer h.up.silent.Store(false)
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 5, "short.test.", dnsmessage.TypeA, 1232)))
		if r.h.RCode != dnsmessage.RCodeServerFailure {
			t.Errorf("rcode %v, want SERVFAIL", r.h.RCode)
		}
	})
}

func TestUpstreamSourcePortsChange(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 3 * maxUses {
		r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, uint16(i), fmt.Sprintf("n%d.test.", i), dnsmessage.TypeA, 0)))
		if r.h.RCode != dnsmessage.RCodeNameError {
			t.Fatalf("rcode %v", r.h.RCode)
		}
	}
	h.up.mu.Lock()
	defer h.up.mu.Unlock()
	if n := len(h.up.ports); n < 3 {
		t.Errorf("%d queries upstream came from %d source ports, want at least 3 (a new socket every %d)", 3*maxUses, n, maxUses)
	}
}

// TestBadInput sends what a broken or hostile client might, and checks
// each gets the right answer (or none) and the filter still answers the
// next query.
func TestBadInput(t *testing.T) {
	h := newHarness(t, nil)
	valid := buildQuery(t, 77, "allowed.test.", dnsmessage.TypeA, 1232)
	longName := make([]byte, 0, 300)
	for range 5 {
		longName = append(longName, 60)
		longName = append(longName, make([]byte, 60)...)
	}
	for i := range longName {
		if longName[i] == 0 {
			longName[i] = 'a'
		}
	}
	withName := func(name []byte) []byte {
		msg := append([]byte{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}, name...)
		return append(msg, 0, 0, 1, 0, 1)
	}
	tests := []struct {
		name  string
		msg   []byte
		rcode int // -1: no answer
	}{
		{"empty", nil, -1},
		{"shorter than a header", []byte{1, 2, 3}, -1},
		{"a response", func() []byte { m := append([]byte(nil), valid...); m[2] |= 0x80; return m }(), -1},
		{"no question", []byte{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, rcodeFormErr},
		{"two questions", func() []byte { m := append([]byte(nil), valid...); m[5] = 2; return m }(), rcodeFormErr},
		{"a name cut short", valid[:20], rcodeFormErr},
		{"a label over 63", withName([]byte{64, 'a'}), rcodeFormErr},
		{"a name over 255", withName(longName), rcodeFormErr},
		{"a pointer in the question", withName([]byte{0xC0, 12}), rcodeFormErr},
		{"a dot inside a label", withName([]byte{7, 'e', 'v', 'i', 'l', '.', 'u', 'k', 0}), rcodeRefused},
		{"a NUL inside a label", withName([]byte{3, 'a', 0, 'b', 0}), rcodeRefused},
		{"an inverse query", func() []byte { m := append([]byte(nil), valid...); m[2] |= 1 << 3; return m }(), rcodeNotImp},
		{"a zone transfer", buildQuery(t, 1, "test.", dnsmessage.TypeAXFR, 0), rcodeNotImp},
		{"the CHAOS class", func() []byte {
			m := buildQuery(t, 1, "version.bind.", dnsmessage.TypeTXT, 0)
			m[len(m)-1] = 3
			return m
		}(), rcodeRefused},
		{"an oversized query", append(append([]byte(nil), valid...), make([]byte, 5000)...), rcodeFormErr},
		{"two OPT records", func() []byte {
			m := append([]byte(nil), valid...)
			m[11] = 2
			return append(m, valid[len(valid)-11:]...)
		}(), rcodeFormErr},
		{"an OPT record cut short", valid[:len(valid)-3], rcodeFormErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, proto := range []string{"udp", "tcp"} {
				if proto == "tcp" && len(tc.msg) == 0 {
					continue
				}
				c, err := net.Dial(proto, h.dns.String())
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(500 * time.Millisecond))
				if proto == "udp" {
					c.Write(tc.msg)
				} else {
					c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(tc.msg))), tc.msg...))
				}
				buf := make([]byte, 65535)
				n, err := c.Read(buf)
				c.Close()
				if proto == "tcp" && err == nil {
					buf, n = buf[2:n], n-2
				}
				switch {
				case tc.rcode == -1 && err == nil:
					t.Errorf("%s: answered % x, want no answer", proto, buf[:n])
				case tc.rcode >= 0 && err != nil:
					t.Errorf("%s: no answer (%v), want rcode %d", proto, err, tc.rcode)
				case tc.rcode >= 0:
					if n < headerLen || int(buf[3]&0xF) != tc.rcode&0xF || binary.BigEndian.Uint16(buf) != binary.BigEndian.Uint16(tc.msg) {
						t.Errorf("%s: answered % x, want rcode %d with the query's ID", proto, buf[:min(n, 16)], tc.rcode)
					}
				}
				r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, valid))
				if len(r.answers) != 1 {
					t.Fatalf("after %s over %s, a valid query got %v", tc.name, proto, r.answers)
				}
			}
		})
	}
}

func TestNXDomainMode(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BlockAnswer.Mode = "nxdomain"; c.BlockAnswer.IPv4, c.BlockAnswer.IPv6 = "", "" })
	r := parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 1, "bad.test.", dnsmessage.TypeA, 0)))
	if r.h.RCode != dnsmessage.RCodeNameError || len(r.answers) != 0 {
		t.Errorf("rcode %v answers %v, want NXDOMAIN", r.h.RCode, r.answers)
	}
	if len(h.events.all()) != 1 {
		t.Error("the blocked attempt was not recorded")
	}
}

func TestDoHErrors(t *testing.T) {
	h := newHarness(t, nil)
	c := dohClient("127.0.0.1")
	tests := []struct {
		name   string
		do     func() (*netResponse, error)
		status int
	}{
		{"GET without dns", func() (*netResponse, error) { return get(c, h.doh+"/dns-query") }, 400},
		{"GET with bad base64", func() (*netResponse, error) { return get(c, h.doh+"/dns-query?dns=!!!") }, 400},
		{"GET with garbage", func() (*netResponse, error) { return get(c, h.doh+"/dns-query?dns=AAAA") }, 400},
		{"a device path with a bad character", func() (*netResponse, error) { return get(c, h.doh+"/dns-query/a.b?dns=AAAA") }, 404},
		{"POST of the wrong type", func() (*netResponse, error) { return post(c, h.doh+"/dns-query", "text/plain", []byte("x")) }, 415},
		{"POST too large", func() (*netResponse, error) { return post(c, h.doh+"/dns-query", dohType, make([]byte, 70000)) }, 413},
		{"PUT", func() (*netResponse, error) { return put(c, h.doh+"/dns-query") }, 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.do()
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tc.status {
				t.Errorf("status %d, want %d", res.status, tc.status)
			}
		})
	}
}

type netResponse struct{ status int }

func do(c *http.Client, method, url, ctype string, body []byte) (*netResponse, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return &netResponse{status: res.StatusCode}, nil
}

func get(c *http.Client, url string) (*netResponse, error) { return do(c, "GET", url, "", nil) }
func put(c *http.Client, url string) (*netResponse, error) { return do(c, "PUT", url, "", nil) }
func post(c *http.Client, url, ctype string, body []byte) (*netResponse, error) {
	return do(c, "POST", url, ctype, body)
}
