// Command probe asks a filter under test (bench/filter/run.sh) about names
// over UDP, in two modes:
//
//	probe -server ADDR -wait NAME -since UNIX_NS
//	    asks for NAME, a listed name, every 10 ms until the answer is blocked
//	    (NXDOMAIN, or an address other than the upstream's), and prints the
//	    milliseconds since UNIX_NS: the filter's start-up and list load time.
//	probe -server ADDR -check FILE
//	    asks for each "name blocked|allowed" line of FILE and fails if an
//	    answer is not as expected: the filter really applies the list.
//
// Benchmarks only: the server must be a loopback address.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard/bench/filter/wire"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run() error {
	server := flag.String("server", "", "the filter's UDP address, on loopback (required)")
	upA := flag.String("upstream-a", "192.0.2.1", "the address the local upstream gives every A question")
	wait := flag.String("wait", "", "a listed name to ask for until it is blocked")
	since := flag.Int64("since", 0, "with -wait: when the filter was started, in Unix nanoseconds")
	timeout := flag.Duration("timeout", 5*time.Minute, "with -wait: give up after this long")
	check := flag.String("check", "", "a file of \"name blocked|allowed\" lines to verify")
	flag.Parse()
	ap, err := netip.ParseAddrPort(*server)
	if err != nil || !ap.Addr().IsLoopback() {
		return fmt.Errorf("-server %q: give a loopback address and port", *server)
	}
	up, err := netip.ParseAddr(*upA)
	if err != nil || !up.Is4() {
		return fmt.Errorf("-upstream-a %q: not an IPv4 address", *upA)
	}
	p := prober{server: ap, upstream: up.AsSlice()}
	switch {
	case *wait != "" && *check == "":
		if *since <= 0 {
			return errors.New("-since: required with -wait")
		}
		return p.wait(*wait, time.Unix(0, *since), *timeout)
	case *check != "" && *wait == "":
		return p.check(*check)
	}
	return errors.New("give either -wait NAME -since NS or -check FILE")
}

type prober struct {
	server   netip.AddrPort
	upstream []byte
	id       uint16
}

// verdict is what an answer says of a name.
type verdict int

const (
	noAnswer verdict = iota
	allowed          // the upstream's address
	blocked          // NXDOMAIN, or another address (0.0.0.0, a block page)
	other            // an error code, or no address
)

func (v verdict) String() string {
	return [...]string{"no answer", "allowed", "blocked", "other"}[v]
}

// ask sends one A query for name and reads its answer within d.
func (p *prober) ask(name string, d time.Duration) (verdict, error) {
	p.id++
	q, err := wire.Query(nil, p.id, name, wire.TypeA)
	if err != nil {
		return noAnswer, fmt.Errorf("%s: %w", name, err)
	}
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(p.server))
	if err != nil {
		return noAnswer, err
	}
	defer c.Close()
	if _, err := c.Write(q); err != nil {
		return noAnswer, nil // nothing listens yet: a refused port
	}
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return noAnswer, nil
		}
		r, err := wire.ReadResponse(buf[:n])
		if err != nil || r.ID != p.id {
			continue
		}
		if r.Rcode == wire.RcodeNXDomain {
			return blocked, nil
		}
		if r.Rcode != wire.RcodeSuccess {
			return other, nil
		}
		for _, a := range r.Answers {
			if a.Type == wire.TypeA {
				if bytes.Equal(a.Data, p.upstream) {
					return allowed, nil
				}
				return blocked, nil
			}
		}
		return other, nil
	}
}

func (p *prober) wait(name string, start time.Time, timeout time.Duration) error {
	for time.Since(start) < timeout {
		v, err := p.ask(name, 50*time.Millisecond)
		if err != nil {
			return err
		}
		if v == blocked {
			fmt.Printf("%d\n", time.Since(start).Milliseconds())
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("%s was not blocked within %s", name, timeout)
}

func (p *prober) check(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var n, wrong int
	for line := 1; sc.Scan(); line++ {
		name, want, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok || (want != "blocked" && want != "allowed") {
			return fmt.Errorf("%s:%d: want \"name blocked\" or \"name allowed\"", file, line)
		}
		v, err := p.ask(name, time.Second)
		if err != nil {
			return err
		}
		n++
		if v.String() != want {
			wrong++
			if wrong <= 10 {
				fmt.Fprintf(os.Stderr, "probe: %s: %s, want %s\n", name, v, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if wrong > 0 {
		return fmt.Errorf("%d of %d names not answered as the list says", wrong, n)
	}
	fmt.Printf("%d names answered as the list says\n", n)
	return nil
}
