package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/bench/filter/wire"
)

// TestServe sends real DNS packets over UDP and TCP to the upstream's
// serving loops and reads the fixed answer back.
func TestServe(t *testing.T) {
	f := wire.Fixed{A: netip.MustParseAddr("192.0.2.1"), AAAA: netip.MustParseAddr("2001:db8::1"), TTL: 60}
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(); ln.Close() })
	var answered atomic.Int64
	go serveUDP(pc, f, &answered)
	go serveTCP(ln, f, &answered)

	check := func(t *testing.T, msg []byte, id uint16) {
		t.Helper()
		r, err := wire.ReadResponse(msg)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID != id || r.Rcode != wire.RcodeSuccess || len(r.Answers) != 1 ||
			!bytes.Equal(r.Answers[0].Data, []byte{192, 0, 2, 1}) || r.Answers[0].TTL != 60 {
			t.Fatalf("answer %+v", r)
		}
	}

	t.Run("udp", func(t *testing.T) {
		c, err := net.Dial("udp", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		q, _ := wire.Query(nil, 41, "www.example.com", wire.TypeA)
		if _, err := c.Write(q); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 1500)
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		check(t, buf[:n], 41)
	})

	t.Run("tcp, two queries on one connection", func(t *testing.T) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		for id := uint16(1); id <= 2; id++ {
			q, _ := wire.Query(nil, id, "a.example.org", wire.TypeA)
			if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(q))), q...)); err != nil {
				t.Fatal(err)
			}
			var l [2]byte
			if _, err := io.ReadFull(c, l[:]); err != nil {
				t.Fatal(err)
			}
			msg := make([]byte, binary.BigEndian.Uint16(l[:]))
			if _, err := io.ReadFull(c, msg); err != nil {
				t.Fatal(err)
			}
			check(t, msg, id)
		}
	})
}
