// Package filter is Lifeguard's DNS filter: it answers DNS over UDP, TCP and
// HTTPS, asks a policy what to do with each name, forwards what is allowed
// to upstream resolvers through a cache, answers what is blocked with the
// address of its block page, and records every blocked attempt.
//
// A query goes through these steps, in this order (handle):
//
//  1. parse the question; broken or unsupported queries get FORMERR, NOTIMP
//     or REFUSED at once and never reach the policy;
//  2. ask the policy in force (swapped whole on reload) for a verdict;
//  3. blocked: record the attempt and answer from the block settings;
//     rewritten (safe search): answer with a CNAME and the target's answer;
//     allowed: answer from the cache, or ask the upstreams and cache it;
//  4. fit the answer to the client's transport (truncate for UDP).
//
// Answers from the cache and block answers are written by the socket's
// reader goroutine itself; only a query that must wait for an upstream gets
// a goroutine of its own.
package filter

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/filter/policy"
)

// Decider is what the filter needs of a policy; *policy.Policy satisfies it.
// Decide must be safe for concurrent use and must not keep q.Name.
type Decider interface {
	Decide(q policy.Query) policy.Verdict
	Reason(category string) string
}

// BuiltPolicy is a policy ready to swap in.
type BuiltPolicy struct {
	Decider Decider
	Files   []string // the list files it was built from, watched for changes
	Skipped []string // list lines that were skipped ("file:line: what is wrong")
}

// PolicyBuilder builds policies from the policy part of a configuration (a
// YAML or JSON document), resolving list files against baseDir.
type PolicyBuilder interface {
	Build(ctx context.Context, doc []byte, baseDir string) (BuiltPolicy, error)
}

// Event is one blocked attempt.
type Event struct {
	Time     time.Time
	Client   netip.Addr
	Group    string
	Name     string
	Category string
	Alert    bool // the category must raise an alert for the DSL
}

// EventSink receives blocked attempts. Event is called on the DNS path: it
// must return at once and keep what it is given (nothing is reused).
type EventSink interface {
	Event(Event)
}

// Report is a review request ("I think this is wrong") or a worry ("I saw
// something that worried me") sent from the block page.
type Report struct {
	Kind     string // "review" or "worry"
	Time     time.Time
	Client   netip.Addr
	Group    string
	Name     string
	Category string
	// About is what a worry is about as the child chose it, a
	// lifeguard.WorryAbout code; "" for a review request.
	About string
	Text  string // the comment or the worry, in the child's own words
}

// Reporter passes reports on: to the Lifeguard server, or to a local file.
type Reporter interface {
	Report(ctx context.Context, r Report) error
}

// Options is what New needs besides the configuration.
type Options struct {
	Config   Config
	BaseDir  string  // relative file names in Config are relative to it
	Policy   Decider // the policy in force at start
	Events   EventSink
	Reports  Reporter
	Attached bool // reports reach the DSL (changes the block page's words)
	Logger   *slog.Logger
	Now      func() time.Time
}

// Filter is a running filter's state. Its policy can be swapped while it
// serves.
type Filter struct {
	cfg      Config
	baseDir  string
	log      *slog.Logger
	now      func() time.Time
	policy   atomic.Pointer[policyBox]
	cache    *cache
	fwd      *forwarder
	events   EventSink
	reports  Reporter
	attached bool
	queries  *jsonLog // nil unless the query log is enabled
	inflight chan struct{}
	reqs     sync.Pool

	blockA    [4]byte
	blockAAAA [16]byte
	hasA      bool
	hasAAAA   bool
	nxdomain  bool
	blockTTL  uint32

	stats Stats
}

type policyBox struct{ d Decider }

// Stats counts what the filter did since it started.
type Stats struct {
	Queries   atomic.Uint64
	Blocked   atomic.Uint64
	CacheHits atomic.Uint64
	Upstream  atomic.Uint64 // queries sent upstream
	Failures  atomic.Uint64 // SERVFAIL answers because no upstream answered
	Malformed atomic.Uint64 // queries refused before the policy
	Shed      atomic.Uint64 // SERVFAIL answers because too many queries waited
}

// New returns a filter ready to Serve. It opens the query log when enabled.
func New(o Options) (*Filter, error) {
	if o.Policy == nil || o.Events == nil || o.Reports == nil {
		return nil, errors.New("filter: Policy, Events and Reports are required")
	}
	if ps := o.Config.Check(); len(ps) > 0 {
		return nil, errors.New("filter: the configuration has problems; run lifeguard filter check")
	}
	f := &Filter{
		cfg:      o.Config,
		baseDir:  o.BaseDir,
		log:      o.Logger,
		now:      o.Now,
		events:   o.Events,
		reports:  o.Reports,
		attached: o.Attached,
		cache:    newCache(int(o.Config.Cache.MaxSize)),
		inflight: make(chan struct{}, o.Config.DNS.MaxInflight),
		nxdomain: o.Config.BlockAnswer.Mode == "nxdomain",
		blockTTL: uint32(o.Config.BlockAnswer.TTL / time.Second),
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	var ups []netip.AddrPort
	for _, u := range o.Config.DNS.Upstreams {
		ap, _ := ParseUpstream(u) // checked above
		ups = append(ups, ap)
	}
	f.fwd = newForwarder(ups, o.Config.DNS.UpstreamTimeout)
	if a, err := netip.ParseAddr(o.Config.BlockAnswer.IPv4); err == nil {
		f.blockA, f.hasA = a.As4(), true
	}
	if a, err := netip.ParseAddr(o.Config.BlockAnswer.IPv6); err == nil {
		f.blockAAAA, f.hasAAAA = a.As16(), true
	}
	f.reqs.New = func() any { return newRequest() }
	f.SetPolicy(o.Policy)
	if o.Config.QueryLog.Enabled {
		l, err := openJSONLog(f.path(o.Config.QueryLog.File), o.Config.QueryLog.Retention, f.now)
		if err != nil {
			return nil, err
		}
		f.queries = l
	}
	return f, nil
}

func (f *Filter) path(p string) string {
	return (&File{BaseDir: f.baseDir}).resolve(p)
}

// SetPolicy swaps the policy in force. Queries already deciding finish with
// the old one; the next query sees the new one.
func (f *Filter) SetPolicy(d Decider) { f.policy.Store(&policyBox{d: d}) }

// Policy returns the policy in force.
func (f *Filter) Policy() Decider { return f.policy.Load().d }

// Stats returns the filter's counters.
func (f *Filter) Stats() *Stats { return &f.stats }

// request holds the buffers one query needs, reused across queries.
type request struct {
	q     query
	in    []byte // a copy of the query, for queries answered later
	key   []byte
	up    []byte // upstream replies
	tmp   []byte
	twire []byte
	ans   answer
	out   []byte
}

func newRequest() *request {
	return &request{
		q:   query{wire: make([]byte, 0, maxNameWire), name: make([]byte, 0, maxNameWire)},
		in:  make([]byte, 0, 512),
		key: make([]byte, 0, maxNameWire+4),
		up:  make([]byte, 4096),
		out: make([]byte, 0, 4096),
		ans: answer{ttlOffs: make([]uint16, 0, 16)},
	}
}

// maxQuery is the largest query the filter reads: a question and an OPT
// record with options fit many times over. Anything longer gets FORMERR.
const maxQuery = 4096

// errDefer means the answer needs an upstream and the caller asked not to
// wait for one.
var errDefer = errors.New("answer needs an upstream")

// handle answers msg from client into dst and returns the answer, nil when
// msg deserves none, or errDefer when mayDefer is set and the answer must
// wait for an upstream (the caller then calls again where it may wait).
// limit is the largest answer the transport carries (0: UDP, whose limit
// the query sets); a longer one is truncated with TC set so that the client
// asks again over TCP.
func (f *Filter) handle(ctx context.Context, r *request, dst, msg []byte, client netip.Addr, dohPath string, limit int, mayDefer bool) ([]byte, error) {
	q := &r.q
	rc := parseQuery(msg, q)
	if rc == noAnswer {
		f.stats.Malformed.Add(1)
		return nil, nil
	}
	if len(msg) > maxQuery {
		rc = rcodeFormErr
	}
	if rc != rcodeSuccess {
		f.stats.Malformed.Add(1)
		return appendError(dst, msg, q, rc), nil
	}
	now := f.now()
	var v policy.Verdict
	var name string
	if len(q.name) > 0 { // the root has nothing to decide
		name = string(q.name)
		v = f.policy.Load().d.Decide(policy.Query{Client: client, DoHPath: dohPath, Name: name, Time: now})
	}
	start := len(dst)
	var err error
	switch v.Action {
	case policy.Block:
		f.stats.Blocked.Add(1)
		f.events.Event(Event{Time: now, Client: client, Group: v.Group, Name: name, Category: v.Category, Alert: v.Alert})
		dst = f.appendBlock(dst, msg, q)
	case policy.Rewrite:
		dst, err = f.appendRewrite(ctx, r, dst, msg, v.Target, now, mayDefer)
	default:
		dst, err = f.appendAllowed(ctx, r, dst, msg, now, mayDefer)
	}
	if err != nil {
		if errors.Is(err, errDefer) {
			return nil, err
		}
		f.stats.Failures.Add(1)
		f.log.Debug("no upstream answered", slog.String("error", err.Error()))
		dst = appendError(dst[:start], msg, q, rcodeServFail)
	}
	f.stats.Queries.Add(1)
	if f.queries != nil && v.Action != policy.Block {
		f.queries.append(queryRecord{Time: now, Client: client.String(), Group: v.Group, Name: name, Type: q.qtype, Action: actionName(v.Action)})
	}
	if limit == 0 {
		limit = udpLimit(q)
	}
	if len(dst)-start > limit {
		dst = f.appendTruncated(dst[:start], msg, q, dst[start+3]&0xF)
	}
	return dst, nil
}

func actionName(a policy.Action) string {
	switch a {
	case policy.Block:
		return "block"
	case policy.Rewrite:
		return "rewrite"
	}
	return "allow"
}

// appendBlock answers a blocked name: the block page's address for A and
// AAAA (no records for other types, or when no address of that family is
// set), or NXDOMAIN. Either carries the Extended DNS Error "Blocked" for
// clients that speak EDNS0.
func (f *Filter) appendBlock(dst, msg []byte, q *query) []byte {
	rcode := rcodeSuccess
	var addr []byte
	switch {
	case f.nxdomain:
		rcode = rcodeNXDomain
	case q.qtype == typeA && f.hasA:
		addr = f.blockA[:]
	case q.qtype == typeAAAA && f.hasAAAA:
		addr = f.blockAAAA[:]
	}
	var an, ar uint16
	if addr != nil {
		an = 1
	}
	if q.edns {
		ar = 1
	}
	dst = appendHeader(dst, q, 0, rcode, 1, an, 0, ar)
	dst = append(dst, msg[headerLen:q.qend]...)
	if addr != nil {
		dst = append(dst, 0xC0, headerLen) // the question's name
		dst = binary.BigEndian.AppendUint16(dst, q.qtype)
		dst = binary.BigEndian.AppendUint16(dst, classIN)
		dst = binary.BigEndian.AppendUint32(dst, f.blockTTL)
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(addr)))
		dst = append(dst, addr...)
	}
	if q.edns {
		dst = appendOPT(dst, q, rcode, edeBlocked)
	}
	return dst
}

// appendTruncated answers with the header and question only, TC set, so the
// client asks again over TCP (RFC 7766 §5).
func (f *Filter) appendTruncated(dst, msg []byte, q *query, rcode byte) []byte {
	var ar uint16
	if q.edns {
		ar = 1
	}
	dst = appendHeader(dst, q, flagTC, int(rcode), 1, 0, 0, ar)
	dst = append(dst, msg[headerLen:q.qend]...)
	if q.edns {
		dst = appendOPT(dst, q, int(rcode), -1)
	}
	return dst
}

// lookup finds the reply for (wire, qtype) in the cache or asks the
// upstreams, and returns it with its TTL offsets, the extended rcode bits and
// the seconds it has spent in the cache. The reply is shared: copy it before
// changing it.
func (f *Filter) lookup(ctx context.Context, r *request, wire []byte, qtype uint16, now time.Time, mayDefer bool) (msg []byte, offs []uint16, ext int, elapsed uint32, err error) {
	q := &r.q
	key := append(r.key[:0], wire...)
	var bits byte
	if q.do {
		bits |= 1
	}
	if q.cd() {
		bits |= 2
	}
	key = binary.BigEndian.AppendUint16(key, qtype)
	key = append(key, bits)
	r.key = key
	if e := f.cache.get(key, now); e != nil {
		f.stats.CacheHits.Add(1)
		el := now.UnixNano() - e.stored
		return e.msg, e.ttlOffs, e.ext, uint32(el / int64(time.Second)), nil
	}
	if mayDefer {
		return nil, nil, 0, 0, errDefer
	}
	f.stats.Upstream.Add(1)
	a := &r.ans
	reply, err := f.fwd.exchange(ctx, q, wire, qtype, r.up, a)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if cap(reply) > cap(r.up) {
		r.up = reply[:cap(reply)] // keep the larger buffer a TCP reply needed
	}
	reply = reply[:a.end]
	binary.BigEndian.PutUint16(reply[10:], uint16(a.arKept))
	ext = a.rcode >> 4
	if ttl := f.cacheTTL(a); ttl > 0 && !a.tc {
		f.cache.put(key, append([]byte(nil), reply...), append([]uint16(nil), a.ttlOffs...), ext, ttl, now)
	}
	return reply, a.ttlOffs, ext, 0, nil
}

// cacheTTL is how long a reply may be kept: its smallest TTL within the
// configured bounds; for a name or type that does not exist, the SOA's
// negative TTL (RFC 2308 §5), and not at all without an SOA; a failure for
// servfail_ttl; nothing else.
func (f *Filter) cacheTTL(a *answer) time.Duration {
	c := &f.cfg.Cache
	switch {
	case a.rcode == rcodeSuccess && a.ancount > 0:
		ttl := time.Duration(a.minTTL) * time.Second
		return min(max(ttl, c.MinTTL), c.MaxTTL)
	case a.rcode == rcodeSuccess || a.rcode == rcodeNXDomain:
		if !a.hasSOA {
			return 0
		}
		return min(time.Duration(a.negTTL)*time.Second, c.NegativeMaxTTL)
	case a.rcode == rcodeServFail:
		return c.ServfailTTL
	}
	return 0
}

// appendAllowed answers an allowed query from the cache or the upstreams.
func (f *Filter) appendAllowed(ctx context.Context, r *request, dst, msg []byte, now time.Time, mayDefer bool) ([]byte, error) {
	q := &r.q
	reply, offs, ext, elapsed, err := f.lookup(ctx, r, q.wire, q.qtype, now, mayDefer)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	dst = append(dst, reply...)
	out := dst[start:]
	uflags := binary.BigEndian.Uint16(out[2:])
	var keep uint16
	if q.do || q.flags&flagAD != 0 {
		keep = flagAD // RFC 6840 §5.8
	}
	flags := flagQR | flagRA | q.flags&(flagRD|flagCD) | uflags&keep | uflags&0xF
	binary.BigEndian.PutUint16(out, q.id)
	binary.BigEndian.PutUint16(out[2:], flags)
	copy(out[headerLen:q.qend], msg[headerLen:q.qend]) // the client's own spelling
	ageTTLs(out, offs, elapsed)
	if q.edns {
		binary.BigEndian.PutUint16(out[10:], binary.BigEndian.Uint16(out[10:])+1)
		dst = appendOPT(dst, q, ext<<4, -1)
	}
	return dst, nil
}

// rewriteTTL is the TTL of the CNAME a safe-search rewrite answers with.
const rewriteTTL = 300

// appendRewrite answers with a CNAME from the asked name to target, followed
// by the upstream's answer for target (its records written out whole, since
// their compression pointers meant something only in their own message).
func (f *Filter) appendRewrite(ctx context.Context, r *request, dst, msg []byte, target string, now time.Time, mayDefer bool) ([]byte, error) {
	q := &r.q
	tw, err := appendWireName(r.twire[:0], target)
	if err != nil {
		return dst, err
	}
	r.twire = tw
	var reply []byte
	var offs []uint16
	var ext int
	var elapsed uint32
	if q.qtype != typeCNAME {
		if reply, offs, ext, elapsed, err = f.lookup(ctx, r, tw, q.qtype, now, mayDefer); err != nil {
			return dst, err
		}
	}
	rcode, an := rcodeSuccess, 0
	if reply != nil {
		r.tmp = append(r.tmp[:0], reply...)
		ageTTLs(r.tmp, offs, elapsed)
		reply = r.tmp
		rcode = int(binary.BigEndian.Uint16(reply[2:])&0xF) | ext<<4
		an = int(binary.BigEndian.Uint16(reply[6:]))
	}
	start := len(dst)
	dst = appendHeader(dst, q, 0, rcode, 1, 1, 0, 0)
	dst = append(dst, msg[headerLen:q.qend]...)
	dst = append(dst, 0xC0, headerLen, 0, typeCNAME, 0, classIN, 0, 0, rewriteTTL>>8, rewriteTTL&0xFF)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(tw)))
	dst = append(dst, tw...)
	count := 1
	if reply != nil {
		off, err := skipName(reply, headerLen)
		if err != nil {
			return dst[:start], err
		}
		off += 4
		for range an {
			if dst, off, err = appendRRExpanded(dst, reply, off); err != nil {
				return dst[:start], err
			}
			count++
		}
	}
	binary.BigEndian.PutUint16(dst[start+6:], uint16(count))
	if q.edns {
		binary.BigEndian.PutUint16(dst[start+10:], 1)
		dst = appendOPT(dst, q, rcode, -1)
	}
	return dst, nil
}

// udpLimit is the largest answer q's client takes over UDP: its advertised
// size, at most the filter's own (RFC 6891 §6.2.5), or 512 without EDNS0.
func udpLimit(q *query) int {
	if !q.edns {
		return minUDPSize
	}
	return int(min(q.udpSize, ednsSize))
}
