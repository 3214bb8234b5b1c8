package filter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/lifeguard-scp/lifeguard/internal/filter/policy"
)

// reloadConfig writes a whole configuration file: the DNS side pointing at
// up, and the test policy with chat.test blocked for primary or not.
func reloadConfig(t *testing.T, path string, up string, chatBlocked bool, extra string) {
	t.Helper()
	primary := "{bad.test: pornography}"
	if chatBlocked {
		primary = "{bad.test: pornography, chat.test: chat}"
	}
	doc := fmt.Sprintf(`dns:
  listen: ["127.0.0.1:0"]
  upstreams: [%q]
block_answer:
  ipv4: 192.0.2.1
block_page:
  listen: ""
clients: {"127.0.0.2": primary}
block:
  primary: %s
%s`, up, primary, extra)
	// Write aside and rename, as editors and config tools do, so a reload
	// never reads half a file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func startFromFile(t *testing.T, path string) (*Filter, *Reloader, netip4) {
	t.Helper()
	file, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b := &testBuilder{}
	built, err := b.Build(t.Context(), file.PolicyDoc, file.BaseDir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(Options{Config: file.Config, BaseDir: file.BaseDir, Policy: built.Decider, Events: &memSink{}, Reports: &memReports{}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Serve(ctx, l) }()
	t.Cleanup(func() { cancel(); <-done })
	rl := &Reloader{Path: path, Builder: b, Filter: f, Running: file.Config}
	return f, rl, netip4{l.UDP[0].LocalAddr().(*net.UDPAddr)}
}

type netip4 struct{ *net.UDPAddr }

// chatBlocked asks for chat.test as primary and reports whether it was
// blocked.
func chatBlocked(t *testing.T, to netip4) bool {
	r := parseReply(t, udpFrom(t, "127.0.0.2", to.AddrPort(), buildQuery(t, 1, "chat.test.", dnsmessage.TypeA, 0)))
	return slices.Equal(r.answers, []string{"A 192.0.2.1"})
}

// TestReloadDropsNoQuery keeps a stream of queries running from several
// clients while the policy is reloaded again and again, by SIGHUP and by a
// changed file, once with a broken file, and counts every query that got
// no answer or a wrong one. There must be none.
func TestReloadDropsNoQuery(t *testing.T) {
	up := startUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "filter.yaml")
	reloadConfig(t, path, up.addr.String(), true, "")
	_, rl, addr := startFromFile(t, path)
	if err := rl.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	hup := make(chan os.Signal, 1)
	rl.Interval = 100 * time.Millisecond
	wctx, stopWatch := context.WithCancel(t.Context())
	watched := make(chan struct{})
	go func() { rl.Watch(wctx, hup); close(watched) }()

	var sent, failed atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP("127.0.0.2")}, addr.UDPAddr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			names := []string{"allowed.test.", "bad.test.", "chat.test.", "www.allowed.test."}
			buf := make([]byte, 4096)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				id := uint16(i<<12 | n&0xFFF)
				name := names[n%len(names)]
				c.SetDeadline(time.Now().Add(2 * time.Second))
				c.Write(buildQuery(t, id, name, dnsmessage.TypeA, 1232))
				sent.Add(1)
				k, err := c.Read(buf)
				if err == nil {
					err = checkStreamAnswer(buf[:k], id, name)
				}
				if err != nil {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: %v", name, err))
				}
			}
		})
	}

	waitFor := func(what string, blocked bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); chatBlocked(t, addr) != blocked; {
			if time.Now().After(deadline) {
				t.Fatalf("%s: chat.test blocked is still %v", what, !blocked)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for round := range 6 {
		blocked := round%2 == 1
		reloadConfig(t, path, up.addr.String(), blocked, fmt.Sprintf("marker: round-%d\n", round))
		if round%3 == 0 {
			hup <- syscall.SIGHUP
		} // otherwise the poll sees the change
		waitFor(fmt.Sprintf("round %d", round), blocked)
	}
	// A broken file: the policy in force stays.
	reloadConfig(t, path, up.addr.String(), false, "no_such_field: 1\n")
	hup <- syscall.SIGHUP
	reloadConfig(t, path, up.addr.String(), false, "dns:\n  upstreams: []\n") // a duplicate key: invalid YAML
	if err := rl.Reload(t.Context()); err == nil {
		t.Error("a broken file reloaded without error")
	}
	if !chatBlocked(t, addr) {
		t.Error("a broken file replaced the policy in force")
	}
	close(stop)
	wg.Wait()
	stopWatch()
	<-watched
	if sent.Load() < 40 {
		t.Errorf("only %d queries were sent during the reloads", sent.Load())
	}
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d queries failed during reloads; first: %v", n, sent.Load(), firstFailure.Load())
	}
	t.Logf("%d queries, %d failures, through 6 reloads and 2 broken files", sent.Load(), failed.Load())
}

// checkStreamAnswer accepts either policy's answer for name, and nothing
// else.
func checkStreamAnswer(msg []byte, id uint16, name string) error {
	var m dnsmessage.Message
	if err := m.Unpack(msg); err != nil {
		return err
	}
	if m.Header.ID != id || m.Header.RCode != dnsmessage.RCodeSuccess || len(m.Answers) == 0 {
		return fmt.Errorf("id %d rcode %v answers %d", m.Header.ID, m.Header.RCode, len(m.Answers))
	}
	last := describeRR(m.Answers[len(m.Answers)-1])
	ok := map[string][]string{
		"allowed.test.":     {"A 192.0.2.10"},
		"www.allowed.test.": {"A 192.0.2.10"},
		"bad.test.":         {"A 192.0.2.1"},
		"chat.test.":        {"A 192.0.2.1", "A 192.0.2.20"},
	}[name]
	if !slices.Contains(ok, last) {
		return fmt.Errorf("answer %s", last)
	}
	return nil
}

func TestReloadKeepsPolicyOnBadBuild(t *testing.T) {
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "filter.yaml")
	reloadConfig(t, path, up.addr.String(), true, "")
	_, rl, addr := startFromFile(t, path)
	if err := rl.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, extra string }{
		{"a field the policy does not know", "colour: blue\n"},
		{"a field of the filter that is wrong", "cache:\n  max_ttl: forever\n"},
		{"not YAML", "block: [\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reloadConfig(t, path, up.addr.String(), false, tc.extra)
			err := rl.Reload(t.Context())
			if err == nil {
				t.Fatal("reloaded")
			}
			if !chatBlocked(t, addr) {
				t.Error("the policy in force was replaced")
			}
			if tc.name == "a field of the filter that is wrong" && !strings.Contains(err.Error(), "cache.max_ttl") {
				t.Errorf("the error does not name the field: %v", err)
			}
		})
	}
}

// fakeSource is a server's policy endpoint: a document and its ETag.
type fakeSource struct {
	doc, etag string
	fail      error
	asked     []string // the ETags the filter sent
}

func (s *fakeSource) Policy(_ context.Context, etag string) ([]byte, string, bool, error) {
	s.asked = append(s.asked, etag)
	if s.fail != nil {
		return nil, "", false, s.fail
	}
	if etag == s.etag {
		return nil, etag, false, nil
	}
	return []byte(s.doc), s.etag, true, nil
}

func TestPollerFollowsTheServer(t *testing.T) {
	h := newHarness(t, nil)
	src := &fakeSource{doc: `{"clients": {"127.0.0.2": primary}, "block": {"primary": {"allowed.test": gambling}}}`, etag: `"1"`}
	cache := filepath.Join(t.TempDir(), "policy.json")
	p := &Poller{Source: src, Builder: &testBuilder{}, Filter: h.f, CacheFile: cache}
	blocked := func() bool {
		r := parseReply(t, udpFrom(t, "127.0.0.2", h.dns, buildQuery(t, 1, "allowed.test.", dnsmessage.TypeA, 0)))
		return slices.Equal(r.answers, []string{"A 192.0.2.1"})
	}
	if d, err := p.Poll(t.Context()); err != nil || d == nil {
		t.Fatalf("first poll: %v, %v", d, err)
	}
	if !blocked() {
		t.Error("the server's policy is not in force")
	}
	if d, err := p.Poll(t.Context()); err != nil || d != nil || src.asked[1] != `"1"` {
		t.Errorf("an unchanged policy was rebuilt (%v, %v) or the ETag not sent (%q)", d, err, src.asked)
	}
	src.doc, src.etag = `{"no_such_field": 1}`, `"2"`
	if _, err := p.Poll(t.Context()); err == nil {
		t.Error("a policy that does not build was accepted")
	}
	if !blocked() {
		t.Error("a bad policy from the server replaced the one in force")
	}
	// A restart while the server is down starts from the copy kept.
	src.fail = errors.New("connection refused")
	p2 := &Poller{Source: src, Builder: &testBuilder{}, CacheFile: cache}
	if _, err := p2.Poll(t.Context()); err == nil {
		t.Fatal("a failed poll gave no error")
	}
	d, err := p2.Cached(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Decide(policy.Query{Client: netip.MustParseAddr("127.0.0.2"), Name: "allowed.test"}); v.Action != policy.Block {
		t.Errorf("the kept copy decides %+v, want the last good policy's block", v)
	}
}
