// Command upstream is the local DNS upstream of the filter comparison
// (bench/filter/run.sh). It answers every A and AAAA question, over UDP and
// TCP, at once with one fixed address and a fixed TTL, and every other type
// with an empty answer, so that the filters in front of it are measured and
// not a resolver. Benchmarks only: it listens on the loopback address it is
// given and never sends a query anywhere.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lifeguard-scp/lifeguard/bench/filter/wire"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "upstream:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:15353", "UDP and TCP address to answer on")
	a := flag.String("a", "192.0.2.1", "the address every A question gets")
	aaaa := flag.String("aaaa", "2001:db8::1", "the address every AAAA question gets")
	ttl := flag.Uint("ttl", 3600, "the TTL of every answer, in seconds")
	flag.Parse()
	f := wire.Fixed{TTL: uint32(*ttl)}
	var err error
	if f.A, err = netip.ParseAddr(*a); err != nil || !f.A.Is4() {
		return fmt.Errorf("-a %q: not an IPv4 address", *a)
	}
	if f.AAAA, err = netip.ParseAddr(*aaaa); err != nil || !f.AAAA.Is6() || f.AAAA.Is4In6() {
		return fmt.Errorf("-aaaa %q: not an IPv6 address", *aaaa)
	}
	ap, err := netip.ParseAddrPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", *listen, err)
	}
	if !ap.Addr().IsLoopback() {
		return fmt.Errorf("-listen %q: only a loopback address is allowed", *listen)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	pc, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return err
	}
	ln, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
	if err != nil {
		pc.Close()
		return err
	}
	// A large receive buffer so that a burst from a filter is queued, not dropped.
	_ = pc.SetReadBuffer(8 << 20)
	_ = pc.SetWriteBuffer(8 << 20)

	var answered atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		go serveUDP(pc, f, &answered)
	}
	go serveTCP(ln, f, &answered)
	fmt.Fprintf(os.Stderr, "upstream: answering on %s (udp, tcp)\n", ap)
	<-ctx.Done()
	pc.Close()
	ln.Close()
	fmt.Fprintf(os.Stderr, "upstream: answered %d queries\n", answered.Load())
	return nil
}

func serveUDP(pc *net.UDPConn, f wire.Fixed, answered *atomic.Int64) {
	in := make([]byte, 65535)
	out := make([]byte, 0, 4096)
	for {
		n, from, err := pc.ReadFromUDPAddrPort(in)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		resp, ok := wire.Answer(in[:n], out, f)
		if !ok {
			continue
		}
		if _, err := pc.WriteToUDPAddrPort(resp, from); err == nil {
			answered.Add(1)
		}
	}
}

func serveTCP(ln *net.TCPListener, f wire.Fixed, answered *atomic.Int64) {
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go func() {
			defer c.Close()
			in := make([]byte, 65535)
			out := make([]byte, 0, 4096)
			frame := make([]byte, 0, 4096)
			for {
				// An idle connection is closed after a while, as resolvers do.
				_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
				if _, err := io.ReadFull(c, in[:2]); err != nil {
					return
				}
				n := int(binary.BigEndian.Uint16(in))
				if _, err := io.ReadFull(c, in[:n]); err != nil {
					return
				}
				resp, ok := wire.Answer(in[:n], out, f)
				if !ok {
					return
				}
				frame = append(binary.BigEndian.AppendUint16(frame[:0], uint16(len(resp))), resp...)
				if _, err := c.Write(frame); err != nil {
					return
				}
				answered.Add(1)
			}
		}()
	}
}
