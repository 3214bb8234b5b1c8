package filter

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Listeners are the sockets a filter serves on, bound before serving so
// that a bad address fails at start and tests can learn the ports.
type Listeners struct {
	UDP       []*net.UDPConn
	TCP       []*net.TCPListener
	DoH       net.Listener // nil when off
	BlockPage net.Listener // nil when off
}

// Close closes every socket.
func (l *Listeners) Close() {
	for _, c := range l.UDP {
		c.Close()
	}
	for _, c := range l.TCP {
		c.Close()
	}
	if l.DoH != nil {
		l.DoH.Close()
	}
	if l.BlockPage != nil {
		l.BlockPage.Close()
	}
}

// Listen binds the configured addresses: UDP and TCP on the same port for
// each DNS address (when the port is 0, TCP takes the port UDP was given).
func (f *Filter) Listen(ctx context.Context) (*Listeners, error) {
	l := &Listeners{}
	var lc net.ListenConfig
	fail := func(err error) (*Listeners, error) {
		l.Close()
		return nil, err
	}
	for _, addr := range f.cfg.DNS.Listen {
		u, tl, err := listenDNS(ctx, &lc, addr)
		if err != nil {
			return fail(err)
		}
		l.UDP, l.TCP = append(l.UDP, u...), append(l.TCP, tl)
	}
	if a := f.cfg.DoH.Listen; a != "" {
		dl, err := lc.Listen(ctx, "tcp", a)
		if err != nil {
			return fail(fmt.Errorf("doh.listen %s: %w", a, err))
		}
		l.DoH = dl
	}
	if a := f.cfg.BlockPage.Listen; a != "" {
		bl, err := lc.Listen(ctx, "tcp", a)
		if err != nil {
			return fail(fmt.Errorf("block_page.listen %s: %w", a, err))
		}
		l.BlockPage = bl
	}
	return l, nil
}

// listenDNS binds UDP and TCP on addr. With port 0 the kernel picks the UDP
// port, which TCP may find taken: then both try again. For an address with
// no host (":53") UDP gets one socket per family, so that each socket's
// peers are of its own family and replies can be written in batches; TCP
// takes both families on one socket.
func listenDNS(ctx context.Context, lc *net.ListenConfig, addr string) ([]*net.UDPConn, *net.TCPListener, error) {
	host, port, _ := net.SplitHostPort(addr)
	for attempt := 0; ; attempt++ {
		var udp []*net.UDPConn
		closeAll := func() {
			for _, u := range udp {
				u.Close()
			}
		}
		first, second := "udp", ""
		firstAddr := addr
		if host == "" {
			first, firstAddr, second = "udp4", net.JoinHostPort("0.0.0.0", port), "udp6"
		}
		pc, err := lc.ListenPacket(ctx, first, firstAddr)
		if err != nil {
			return nil, nil, fmt.Errorf("dns.listen %s: %w", addr, err)
		}
		udp = append(udp, pc.(*net.UDPConn))
		p := strconv.Itoa(udp[0].LocalAddr().(*net.UDPAddr).Port)
		if second != "" {
			// A machine without IPv6 answers over IPv4 only.
			if pc6, err := lc.ListenPacket(ctx, second, net.JoinHostPort("::", p)); err == nil {
				udp = append(udp, pc6.(*net.UDPConn))
			} else if !errors.Is(err, syscall.EAFNOSUPPORT) && !errors.Is(err, syscall.EADDRNOTAVAIL) {
				closeAll()
				if port == "0" && attempt < 20 {
					continue
				}
				return nil, nil, fmt.Errorf("dns.listen %s (IPv6): %w", addr, err)
			}
		}
		tl, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, p))
		if err == nil {
			return udp, tl.(*net.TCPListener), nil
		}
		closeAll()
		if port != "0" || attempt == 20 {
			return nil, nil, fmt.Errorf("dns.listen %s (TCP): %w", addr, err)
		}
	}
}

// Serve answers on l until ctx ends, then closes l, lets the answers under
// way finish, and returns.
func (f *Filter) Serve(ctx context.Context, l *Listeners) error {
	var wg sync.WaitGroup
	readers := max(2, runtime.GOMAXPROCS(0))
	for _, c := range l.UDP {
		for range readers {
			wg.Go(func() { f.serveUDP(ctx, c, &wg) })
		}
	}
	for _, tl := range l.TCP {
		wg.Go(func() { f.serveTCP(ctx, tl, &wg) })
	}
	var servers []*http.Server
	errs := make(chan error, 2)
	if l.DoH != nil {
		srv := f.httpServer(f.DoHHandler())
		ln := l.DoH
		if f.cfg.DoH.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(f.path(f.cfg.DoH.CertFile), f.path(f.cfg.DoH.KeyFile))
			if err != nil {
				l.Close()
				return fmt.Errorf("doh.cert_file: %w", err)
			}
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
			ln = tls.NewListener(ln, srv.TLSConfig)
		}
		servers = append(servers, srv)
		wg.Go(func() { errs <- serveHTTP(srv, ln) })
	}
	if l.BlockPage != nil {
		srv := f.httpServer(f.BlockPageHandler())
		servers = append(servers, srv)
		wg.Go(func() { errs <- serveHTTP(srv, l.BlockPage) })
	}
	if f.queries != nil {
		wg.Go(func() { f.queries.run(ctx, f.log) })
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	for _, c := range l.UDP {
		c.Close()
	}
	for _, c := range l.TCP {
		c.Close()
	}
	for _, s := range servers {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		s.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	f.fwd.close()
	return err
}

func serveHTTP(srv *http.Server, ln net.Listener) error {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (f *Filter) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(f.log.Handler(), slog.LevelDebug),
	}
}

// udpBatch is what serveUDP needs of golang.org/x/net's ipv4 and ipv6
// packet connections: on Linux, recvmmsg and sendmmsg.
type udpBatch interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// udpBatchSize is how many datagrams one system call reads or writes at most.
const udpBatchSize = 32

// serveUDP is one of a socket's reader goroutines. It reads the queries
// waiting on the socket in one system call, answers what it can at once
// (cached, blocked, malformed), writes those answers in one system call,
// and hands a query that must wait for an upstream to a goroutine of its
// own, within max_inflight; beyond that the client gets SERVFAIL and tries
// again. Under load this saves most of the two system calls per query that
// dominate a filter's cost.
func (f *Filter) serveUDP(ctx context.Context, c *net.UDPConn, wg *sync.WaitGroup) {
	var bc udpBatch
	if la, ok := c.LocalAddr().(*net.UDPAddr); ok && la.IP.To4() != nil {
		bc = ipv4.NewPacketConn(c)
	} else {
		bc = ipv6.NewPacketConn(c)
	}
	var in, out [udpBatchSize]ipv4.Message
	var outBufs [udpBatchSize][]byte
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, maxQuery+1)} // one more: a longer query shows
		out[i].Buffers = make([][]byte, 1)
		outBufs[i] = make([]byte, 0, 1024)
	}
	r := newRequest()
	single := false // the socket refused a batched write: write one by one
	for {
		n, err := bc.ReadBatch(in[:], 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return
			}
			continue
		}
		k := 0
		for i := range n {
			ua, ok := in[i].Addr.(*net.UDPAddr)
			if !ok {
				continue
			}
			msg := in[i].Buffers[0][:in[i].N]
			addr := ua.AddrPort()
			client := addr.Addr().Unmap()
			res, err := f.handle(ctx, r, outBufs[k][:0], msg, client, "", 0, true)
			if errors.Is(err, errDefer) {
				f.deferUDP(ctx, c, r, msg, addr, client, wg)
				continue
			}
			if res == nil {
				continue
			}
			outBufs[k] = res[:0]
			out[k].Buffers[0], out[k].Addr = res, ua
			k++
		}
		for sent := 0; sent < k; {
			if !single {
				m, err := bc.WriteBatch(out[sent:k], 0)
				if err == nil {
					sent += m
					continue
				}
				if errors.Is(err, net.ErrClosed) {
					return
				}
				single = true
			}
			c.WriteToUDPAddrPort(out[sent].Buffers[0], out[sent].Addr.(*net.UDPAddr).AddrPort())
			sent++
		}
	}
}

func (f *Filter) deferUDP(ctx context.Context, c *net.UDPConn, r *request, msg []byte, addr netip.AddrPort, client netip.Addr, wg *sync.WaitGroup) {
	select {
	case f.inflight <- struct{}{}:
	default:
		f.stats.Shed.Add(1)
		out := appendError(r.out[:0], msg, &r.q, rcodeServFail)
		r.out = out[:0]
		c.WriteToUDPAddrPort(out, addr)
		return
	}
	d := f.reqs.Get().(*request)
	d.in = append(d.in[:0], msg...)
	wg.Go(func() {
		defer func() { <-f.inflight }()
		out, _ := f.handle(ctx, d, d.out[:0], d.in, client, "", 0, false)
		if out != nil {
			d.out = out[:0]
			c.WriteToUDPAddrPort(out, addr)
		}
		f.reqs.Put(d)
	})
}

// serveTCP accepts connections up to max_tcp_connections; beyond that a new
// connection is closed at once.
func (f *Filter) serveTCP(ctx context.Context, l *net.TCPListener, wg *sync.WaitGroup) {
	sem := make(chan struct{}, f.cfg.DNS.MaxTCPConnections)
	for {
		c, err := l.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond) // out of file descriptors: let some close
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			c.Close()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			f.serveTCPConn(ctx, c)
		})
	}
}

// serveTCPConn answers the queries on one connection in turn (RFC 7766),
// until the client closes it, it idles for tcp_idle_timeout, or the filter
// stops.
func (f *Filter) serveTCPConn(ctx context.Context, c *net.TCPConn) {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	client := c.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap()
	r := f.reqs.Get().(*request)
	defer f.reqs.Put(r)
	for {
		if err := c.SetReadDeadline(time.Now().Add(f.cfg.DNS.TCPIdleTimeout)); err != nil {
			return
		}
		msg, err := readTCPMsg(c, r.in[:0])
		if err != nil {
			return
		}
		r.in = msg[:0]
		out, _ := f.handle(ctx, r, r.out[:2], msg, client, "", maxMsg, false)
		if out == nil {
			return // not a query: a client speaking something else
		}
		r.out = out[:0]
		binary.BigEndian.PutUint16(out, uint16(len(out)-2))
		if err := c.SetWriteDeadline(time.Now().Add(f.cfg.DNS.TCPIdleTimeout)); err != nil {
			return
		}
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}
