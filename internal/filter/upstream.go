package filter

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// forwarder sends allowed queries to the configured upstream resolvers: over
// UDP on a small pool of connected sockets (no socket per query), again over
// TCP when the reply comes back truncated, and on to the next upstream when
// one does not answer, fails (SERVFAIL) or refuses. The upstream that last
// answered is tried first.
type forwarder struct {
	ups       []*upstream
	preferred atomic.Int32
	timeout   time.Duration
}

type upstream struct {
	addr netip.AddrPort
	idle chan *upConn
}

// upConn is a pooled socket to an upstream and the queries it carried.
type upConn struct {
	*net.UDPConn
	uses int
}

const (
	// idleConns is how many UDP sockets an upstream keeps open between
	// queries.
	idleConns = 64
	// maxUses is how many queries a socket carries before it is closed, so
	// that the source port keeps changing: a forger must guess it as well
	// as the random ID (RFC 5452).
	maxUses = 100
)

var errNoUpstream = errors.New("no upstream answered")

func newForwarder(addrs []netip.AddrPort, timeout time.Duration) *forwarder {
	f := &forwarder{timeout: timeout}
	for _, a := range addrs {
		f.ups = append(f.ups, &upstream{addr: a, idle: make(chan *upConn, idleConns)})
	}
	return f
}

// close closes the idle sockets.
func (f *forwarder) close() {
	for _, u := range f.ups {
		for {
			select {
			case c := <-u.idle:
				c.Close()
				continue
			default:
			}
			break
		}
	}
}

// exchange asks the upstreams for (wire, qtype) on behalf of q and returns
// the checked reply in buf (reused when large enough), described in a.
func (f *forwarder) exchange(ctx context.Context, q *query, wire []byte, qtype uint16, buf []byte, a *answer) ([]byte, error) {
	var qbuf [maxNameWire + 32]byte
	id := uint16(rand.Uint32())
	out := appendUpstreamQuery(qbuf[:0], id, q, wire, qtype)
	start := int(f.preferred.Load())
	var lastErr error = errNoUpstream
	var last []byte
	for i := range f.ups {
		n := (start + i) % len(f.ups)
		u := f.ups[n]
		reply, err := u.exchangeUDP(ctx, out, buf, f.timeout)
		if err == nil {
			err = inspectAnswer(reply, id, wire, qtype, a)
			if err == nil && a.tc {
				reply, err = u.exchangeTCP(ctx, out, buf, f.timeout)
				if err == nil {
					err = inspectAnswer(reply, id, wire, qtype, a)
				}
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			lastErr = fmt.Errorf("upstream %s: %w", u.addr, err)
			continue
		}
		if a.rcode == rcodeServFail || a.rcode == rcodeRefused {
			// Keep the reply in case no other upstream does better.
			last = append(last[:0], reply...)
			lastErr = nil
			continue
		}
		if n != start {
			f.preferred.Store(int32(n))
		}
		return reply, nil
	}
	if lastErr == nil && last != nil {
		reply := append(buf[:0], last...)
		if err := inspectAnswer(reply, id, wire, qtype, a); err != nil {
			return nil, err
		}
		return reply, nil
	}
	return nil, lastErr
}

func (u *upstream) deadline(ctx context.Context, timeout time.Duration) time.Time {
	d := time.Now().Add(timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	return d
}

// exchangeUDP sends msg on a pooled socket and waits for a reply with the
// same ID, ignoring strays. A socket that timed out is closed, not pooled,
// so a late reply can never be taken for the next query's.
func (u *upstream) exchangeUDP(ctx context.Context, msg, buf []byte, timeout time.Duration) ([]byte, error) {
	var c *upConn
	select {
	case c = <-u.idle:
	default:
		uc, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(u.addr))
		if err != nil {
			return nil, err
		}
		c = &upConn{UDPConn: uc}
	}
	if err := c.SetDeadline(u.deadline(ctx, timeout)); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.Write(msg); err != nil {
		c.Close()
		return nil, err
	}
	buf = buf[:cap(buf)]
	if len(buf) < ednsSize*2 {
		buf = make([]byte, 4096)
	}
	for {
		n, err := c.Read(buf)
		if err != nil {
			c.Close()
			return nil, err
		}
		if n >= headerLen && buf[0] == msg[0] && buf[1] == msg[1] {
			if c.uses++; c.uses >= maxUses {
				c.Close()
				return buf[:n], nil
			}
			select {
			case u.idle <- c:
			default:
				c.Close()
			}
			return buf[:n], nil
		}
	}
}

// exchangeTCP sends msg over a new TCP connection (RFC 7766), used after a
// truncated UDP reply.
func (u *upstream) exchangeTCP(ctx context.Context, msg, buf []byte, timeout time.Duration) ([]byte, error) {
	d := net.Dialer{Deadline: u.deadline(ctx, timeout)}
	c, err := d.DialContext(ctx, "tcp", u.addr.String())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.SetDeadline(u.deadline(ctx, timeout)); err != nil {
		return nil, err
	}
	out := make([]byte, 2, 2+len(msg))
	binary.BigEndian.PutUint16(out, uint16(len(msg)))
	if _, err := c.Write(append(out, msg...)); err != nil {
		return nil, err
	}
	return readTCPMsg(c, buf)
}

// readTCPMsg reads one length-prefixed DNS message into buf, growing it when
// needed.
func readTCPMsg(r io.Reader, buf []byte) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
