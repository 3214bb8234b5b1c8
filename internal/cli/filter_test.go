// These tests run the filter command with the real policy engine.

package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// answerAll is an upstream that answers every A query with 192.0.2.99.
func answerAll(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var m dnsmessage.Message
			if m.Unpack(buf[:n]) != nil || len(m.Questions) != 1 {
				continue
			}
			q := m.Questions[0]
			m.Header.Response, m.Header.RecursionAvailable = true, true
			m.Additionals = nil
			if q.Type == dnsmessage.TypeA {
				m.Answers = []dnsmessage.Resource{{Header: dnsmessage.ResourceHeader{Name: q.Name, Type: q.Type, Class: q.Class, TTL: 60}, Body: &dnsmessage.AResource{A: [4]byte{192, 0, 2, 99}}}}
			}
			out, _ := m.Pack()
			pc.WriteTo(out, from)
		}
	}()
	return pc.LocalAddr().String()
}

func ask(t *testing.T, from string, to string, name string) string {
	t.Helper()
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, net.UDPAddrFromAddrPort(netip.MustParseAddrPort(to)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name + "."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	msg, _ := b.Finish()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(msg)
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("%s: no answer: %v", name, err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if len(m.Answers) == 0 {
		return m.Header.RCode.String()
	}
	return netip.AddrFrom4(m.Answers[0].Body.(*dnsmessage.AResource).A).String()
}

func writeFilterConfig(t *testing.T, dir, upstream string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "gambling.txt"), []byte("casino.test\n||bets.test^\nnot a name at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "filter.yaml")
	doc := fmt.Sprintf(`dns:
  listen: ["127.0.0.1:0"]
  upstreams: [%q]
block_answer: {ipv4: 192.0.2.1}
block_page: {listen: ""}
reload: {poll_interval: 100ms}
categories:
  gambling: {lists: [gambling.txt]}
groups:
  pupils: {categories: [gambling], networks: [127.0.0.2/32]}
  staff: {networks: [127.0.0.3/32]}
default_group: pupils
`, upstream)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFilterCheck(t *testing.T) {
	dir := t.TempDir()
	path := writeFilterConfig(t, dir, "9.9.9.9")
	if code, stdout, stderr := run(t, "", "filter", "check", path); code != 0 || !strings.Contains(stdout, "is valid") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("dns: {upstreams: [dns.example], upstream_timeout: soon}\nblock_answer: {ipv4: 192.0.2.1}\ngroups:\n  pupils: {categories: [gamblin]}\n"), 0o600)
	code, _, stderr := run(t, "", "filter", "check", bad)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"dns.upstream_timeout", "groups.pupils.categories[0]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the problems do not name %s:\n%s", want, stderr)
		}
	}
}

// TestFilterExampleConfig keeps the example in docs/examples valid: it
// reads the UT1 lists beside the repository, which CI always has.
func TestFilterExampleConfig(t *testing.T) {
	if code, stdout, stderr := run(t, "", "filter", "check", "../../docs/examples/filter.yaml"); code != 0 ||
		!strings.Contains(stdout, "is valid") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
}

// TestFilterRuns runs lifeguard filter from its file with the real policy
// engine and lists, and checks blocked and allowed answers per group, a
// reload when a list changes and on SIGHUP, and the blocked attempts file.
func TestFilterRuns(t *testing.T) {
	dir := t.TempDir()
	path := writeFilterConfig(t, dir, answerAll(t))
	var stderr sqltest.Logs
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"filter", "--config", path, "--metrics-listen", "127.0.0.1:0"}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	var addr, metricsAddr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the filter did not start:\n%s", stderr.String())
		}
		sc := bufio.NewScanner(strings.NewReader(stderr.String()))
		for sc.Scan() {
			var line struct{ Msg, DNS, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "filtering" {
				addr = line.DNS
			}
			if line.Msg == "serving metrics" {
				metricsAddr = line.Addr
			}
		}
	}
	if got := ask(t, "127.0.0.2", addr, "www.casino.test"); got != "192.0.2.1" {
		t.Errorf("a pupil asking for a gambling site got %s", got)
	}
	if got := ask(t, "127.0.0.3", addr, "www.casino.test"); got != "192.0.2.99" {
		t.Errorf("staff asking for a gambling site got %s", got)
	}
	if got := ask(t, "127.0.0.2", addr, "lotto.test"); got != "192.0.2.99" {
		t.Errorf("a name not listed got %s", got)
	}
	// --metrics-listen: the counts, and no name asked for.
	text, fams := scrape(t, "http://"+metricsAddr+"/metrics")
	for name, least := range map[string]float64{"lifeguard_filter_queries_total": 3, "lifeguard_filter_blocked_total": 1} {
		if got, _ := metricstest.Value(fams, name, nil); got < least {
			t.Errorf("%s = %v, want at least %v", name, got, least)
		}
	}
	if strings.Contains(text, "casino") || strings.Contains(text, "lotto") {
		t.Errorf("the metrics name a site asked for:\n%s", text)
	}
	// A changed list reloads by itself.
	os.WriteFile(filepath.Join(dir, "gambling.txt"), []byte("casino.test\nlotto.test\n"), 0o600)
	for deadline := time.Now().Add(10 * time.Second); ask(t, "127.0.0.2", addr, "lotto.test") != "192.0.2.1"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the changed list was not reloaded:\n%s", stderr.String())
		}
	}
	// SIGHUP reloads too.
	cfg, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(cfg, []byte("staff: {networks"), []byte("staff: {categories: [gambling], networks"), 1), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	for deadline := time.Now().Add(10 * time.Second); ask(t, "127.0.0.3", addr, "casino.test") != "192.0.2.1"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload:\n%s", stderr.String())
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "blocked.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"client":"127.0.0.2","group":"pupils","name":"www.casino.test","category":"gambling"`) {
		t.Errorf("the blocked attempt is not in the records:\n%s", data)
	}
	if strings.Contains(stderr.String(), "casino") {
		t.Error("a name reached the log")
	}
}
