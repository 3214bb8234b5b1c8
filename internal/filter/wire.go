package filter

import (
	"encoding/binary"
	"errors"
)

// The DNS wire format (RFC 1035 §4, EDNS0 from RFC 6891, Extended DNS Errors
// from RFC 8914), only as much as a forwarding filter needs. The filter never
// decodes a whole message into objects: it reads the question, walks the
// records of an upstream answer to find their TTLs, and writes answers
// straight into a reused buffer, so the hot path allocates almost nothing.

const (
	headerLen   = 12
	maxNameWire = 255 // octets of a name on the wire, root label included
	maxLabel    = 63
	maxMsg      = 65535

	// ednsSize is the UDP payload size the filter advertises and asks its
	// upstreams for: the DNS Flag Day 2020 figure, which fits a 1280-byte
	// IPv6 packet without fragments.
	ednsSize = 1232
	// minUDPSize is what a client without EDNS0 may receive over UDP.
	minUDPSize = 512

	typeA     = 1
	typeNS    = 2
	typeCNAME = 5
	typeSOA   = 6
	typePTR   = 12
	typeMX    = 15
	typeAAAA  = 28
	typeSRV   = 33
	typeDNAME = 39
	typeOPT   = 41
	typeIXFR  = 251
	typeAXFR  = 252

	classIN = 1

	rcodeSuccess  = 0
	rcodeFormErr  = 1
	rcodeServFail = 2
	rcodeNXDomain = 3
	rcodeNotImp   = 4
	rcodeRefused  = 5
	rcodeBadVers  = 16 // extended: needs EDNS0

	flagQR = 1 << 15
	flagAA = 1 << 10
	flagTC = 1 << 9
	flagRD = 1 << 8
	flagRA = 1 << 7
	flagAD = 1 << 5
	flagCD = 1 << 4

	ednsDO = 1 << 15

	optEDE      = 15 // EDNS option code of an Extended DNS Error
	edeBlocked  = 15 // "Blocked"
	edeFiltered = 17 // "Filtered"
	edeOther    = 0
)

// noAnswer means a message is too short or too broken to answer at all.
const noAnswer = -1

// query is one parsed client question. Its slices point into buffers the
// caller owns and reuses.
type query struct {
	id     uint16
	flags  uint16
	qtype  uint16
	qclass uint16
	qend   int    // offset just after the question; 0 if the question is unreadable
	wire   []byte // the name in wire format, lower case
	name   []byte // the name in presentation form, lower case, no trailing dot

	edns    bool   // the client sent an OPT record
	udpSize uint16 // the client's advertised payload size (512 without EDNS0)
	do      bool   // DNSSEC OK
	badVers bool   // EDNS version other than 0
}

func (q *query) cd() bool { return q.flags&flagCD != 0 }

// parseQuery reads msg into q, reusing q's buffers. It returns rcodeSuccess,
// an rcode to answer with, or noAnswer when msg is too short to carry even a
// header (such a packet gets no reply, like any resolver).
func parseQuery(msg []byte, q *query) int {
	q.qend, q.edns, q.do, q.badVers, q.udpSize = 0, false, false, false, minUDPSize
	q.wire, q.name = q.wire[:0], q.name[:0]
	if len(msg) < headerLen {
		return noAnswer
	}
	q.id = binary.BigEndian.Uint16(msg)
	q.flags = binary.BigEndian.Uint16(msg[2:])
	if q.flags&flagQR != 0 {
		return noAnswer // a response: never answer one (reflection loops)
	}
	qd := binary.BigEndian.Uint16(msg[4:])
	an := binary.BigEndian.Uint16(msg[6:])
	ns := binary.BigEndian.Uint16(msg[8:])
	ar := binary.BigEndian.Uint16(msg[10:])
	if op := (q.flags >> 11) & 0xF; op != 0 {
		return rcodeNotImp
	}
	if qd != 1 {
		return rcodeFormErr
	}
	off, rc := readQueryName(msg, headerLen, q)
	if rc != rcodeSuccess {
		return rc
	}
	if off+4 > len(msg) {
		return rcodeFormErr
	}
	q.qtype = binary.BigEndian.Uint16(msg[off:])
	q.qclass = binary.BigEndian.Uint16(msg[off+2:])
	off += 4
	q.qend = off
	// Records a query should not carry are skipped, but still have to be
	// well-formed; the OPT record sits among the additional ones.
	for i := 0; i < int(an)+int(ns); i++ {
		var err error
		if off, err = skipRR(msg, off); err != nil {
			return rcodeFormErr
		}
	}
	for i := 0; i < int(ar); i++ {
		start := off
		var err error
		if off, err = skipName(msg, off); err != nil || off+10 > len(msg) {
			return rcodeFormErr
		}
		t := binary.BigEndian.Uint16(msg[off:])
		if t == typeOPT {
			if q.edns || off != start+1 { // twice, or an owner other than the root
				return rcodeFormErr
			}
			q.edns = true
			q.udpSize = max(binary.BigEndian.Uint16(msg[off+2:]), minUDPSize)
			ttl := binary.BigEndian.Uint32(msg[off+4:])
			q.badVers = (ttl>>16)&0xFF != 0
			q.do = ttl&ednsDO != 0
		}
		rdlen := int(binary.BigEndian.Uint16(msg[off+8:]))
		off += 10 + rdlen
		if off > len(msg) {
			return rcodeFormErr
		}
	}
	if q.badVers {
		return rcodeBadVers
	}
	if q.qtype == typeAXFR || q.qtype == typeIXFR {
		return rcodeNotImp
	}
	if q.qclass != classIN || q.qtype == typeOPT {
		return rcodeRefused
	}
	return rcodeSuccess
}

// readQueryName reads the uncompressed question name at off into q.wire and
// q.name, folding case. Names are refused when they break RFC 1035's limits
// or carry a byte a host name cannot (a dot inside a label would let
// "evil.com" pass as one label, so it is refused, as are controls and spaces).
func readQueryName(msg []byte, off int, q *query) (int, int) {
	for {
		if off >= len(msg) {
			return 0, rcodeFormErr
		}
		l := int(msg[off])
		if l == 0 {
			q.wire = append(q.wire, 0)
			return off + 1, rcodeSuccess
		}
		if l > maxLabel || off+1+l > len(msg) {
			return 0, rcodeFormErr // pointers (0xC0) land here too: a question has nothing to point to
		}
		if len(q.wire)+1+l+1 > maxNameWire {
			return 0, rcodeFormErr
		}
		q.wire = append(q.wire, byte(l))
		if len(q.name) > 0 {
			q.name = append(q.name, '.')
		}
		for _, c := range msg[off+1 : off+1+l] {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if c <= ' ' || c >= 0x7F || c == '.' || c == '\\' {
				return 0, rcodeRefused
			}
			q.wire = append(q.wire, c)
			q.name = append(q.name, c)
		}
		off += 1 + l
	}
}

var (
	errShort   = errors.New("dns: message too short")
	errPointer = errors.New("dns: bad compression pointer")
	errName    = errors.New("dns: bad name")
)

// skipName returns the offset after the (possibly compressed) name at off.
func skipName(msg []byte, off int) (int, error) {
	for n := 0; ; n++ {
		if off >= len(msg) || n > 128 {
			return 0, errShort
		}
		l := msg[off]
		switch {
		case l == 0:
			return off + 1, nil
		case l&0xC0 == 0xC0:
			if off+2 > len(msg) {
				return 0, errShort
			}
			return off + 2, nil
		case l&0xC0 != 0:
			return 0, errName
		}
		off += 1 + int(l)
	}
}

// skipRR returns the offset after the resource record at off.
func skipRR(msg []byte, off int) (int, error) {
	off, err := skipName(msg, off)
	if err != nil {
		return 0, err
	}
	if off+10 > len(msg) {
		return 0, errShort
	}
	off += 10 + int(binary.BigEndian.Uint16(msg[off+8:]))
	if off > len(msg) {
		return 0, errShort
	}
	return off, nil
}

// appendName appends the name at off in msg to dst uncompressed, following
// pointers, and returns the offset after the name as it sits at off.
func appendName(dst, msg []byte, off int) ([]byte, int, error) {
	end, hops, total := 0, 0, 0
	for {
		if off >= len(msg) {
			return dst, 0, errShort
		}
		l := int(msg[off])
		switch {
		case l == 0:
			dst = append(dst, 0)
			if end == 0 {
				end = off + 1
			}
			return dst, end, nil
		case l&0xC0 == 0xC0:
			if off+2 > len(msg) {
				return dst, 0, errShort
			}
			ptr := int(binary.BigEndian.Uint16(msg[off:]) & 0x3FFF)
			if end == 0 {
				end = off + 2
			}
			if ptr >= off || hops > 64 {
				return dst, 0, errPointer // only backwards, and never in a loop
			}
			hops++
			off = ptr
			continue
		case l > maxLabel:
			return dst, 0, errName
		}
		if off+1+l > len(msg) {
			return dst, 0, errShort
		}
		if total += 1 + l; total+1 > maxNameWire {
			return dst, 0, errName
		}
		dst = append(dst, msg[off:off+1+l]...)
		off += 1 + l
	}
}

// equalNameFold reports whether the uncompressed name at off in msg is wire
// (which is lower case), ignoring ASCII case, and returns the offset after it.
func equalNameFold(msg []byte, off int, wire []byte) (int, bool) {
	if off+len(wire) > len(msg) {
		return 0, false
	}
	for i, c := range msg[off : off+len(wire)] {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != wire[i] {
			return 0, false
		}
	}
	return off + len(wire), true
}

// appendWireName appends the presentation name (lower case, no trailing dot)
// in wire format.
func appendWireName(dst []byte, name string) ([]byte, error) {
	if len(name)+2 > maxNameWire {
		return dst, errName
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' {
			continue
		}
		l := i - start
		if l == 0 || l > maxLabel {
			if len(name) == 0 {
				break
			}
			return dst, errName
		}
		dst = append(dst, byte(l))
		dst = append(dst, name[start:i]...)
		start = i + 1
	}
	return append(dst, 0), nil
}

// appendHeader appends a reply header for q: the client's ID and RD bit,
// recursion available, and the counts given.
func appendHeader(dst []byte, q *query, flags uint16, rcode int, qd, an, ns, ar uint16) []byte {
	flags |= flagQR | flagRA | q.flags&(flagRD|flagCD) | uint16(rcode&0xF)
	dst = binary.BigEndian.AppendUint16(dst, q.id)
	dst = binary.BigEndian.AppendUint16(dst, flags)
	dst = binary.BigEndian.AppendUint16(dst, qd)
	dst = binary.BigEndian.AppendUint16(dst, an)
	dst = binary.BigEndian.AppendUint16(dst, ns)
	return binary.BigEndian.AppendUint16(dst, ar)
}

// appendOPT appends the filter's OPT record: its payload size, the upper
// bits of an extended rcode, the client's DO bit, and an Extended DNS Error
// when ede >= 0.
func appendOPT(dst []byte, q *query, rcode int, ede int) []byte {
	dst = append(dst, 0) // root owner
	dst = binary.BigEndian.AppendUint16(dst, typeOPT)
	dst = binary.BigEndian.AppendUint16(dst, ednsSize)
	ttl := uint32(rcode>>4) << 24
	if q.do {
		ttl |= ednsDO
	}
	dst = binary.BigEndian.AppendUint32(dst, ttl)
	if ede < 0 {
		return binary.BigEndian.AppendUint16(dst, 0)
	}
	dst = binary.BigEndian.AppendUint16(dst, 6)
	dst = binary.BigEndian.AppendUint16(dst, optEDE)
	dst = binary.BigEndian.AppendUint16(dst, 2)
	return binary.BigEndian.AppendUint16(dst, uint16(ede))
}

// appendError appends a reply to q carrying only rcode (and the question when
// it was readable).
func appendError(dst []byte, msg []byte, q *query, rcode int) []byte {
	var qd, ar uint16
	if q.qend > 0 {
		qd = 1
	}
	if q.edns {
		ar = 1
	}
	dst = appendHeader(dst, q, 0, rcode, qd, 0, 0, ar)
	if qd == 1 {
		dst = append(dst, msg[headerLen:q.qend]...)
	}
	if q.edns {
		dst = appendOPT(dst, q, rcode, -1)
	}
	return dst
}

// appendUpstreamQuery appends the query the filter sends upstream for q: a
// fresh ID, recursion desired, the lower-case name, and EDNS0 with the
// client's DO and CD bits.
func appendUpstreamQuery(dst []byte, id uint16, q *query, wire []byte, qtype uint16) []byte {
	flags := uint16(flagRD) | q.flags&flagCD
	dst = binary.BigEndian.AppendUint16(dst, id)
	dst = binary.BigEndian.AppendUint16(dst, flags)
	dst = append(dst, 0, 1, 0, 0, 0, 0, 0, 1)
	dst = append(dst, wire...)
	dst = binary.BigEndian.AppendUint16(dst, qtype)
	dst = binary.BigEndian.AppendUint16(dst, classIN)
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint16(dst, typeOPT)
	dst = binary.BigEndian.AppendUint16(dst, ednsSize)
	var ttl uint32
	if q.do {
		ttl = ednsDO
	}
	dst = binary.BigEndian.AppendUint32(dst, ttl)
	return binary.BigEndian.AppendUint16(dst, 0)
}

// answer is what the filter learnt from an upstream's reply while checking
// it: where its TTLs are, how long it may be cached, and where the OPT record
// began (the filter writes its own).
type answer struct {
	rcode   int // with the extended bits from the upstream's OPT
	tc      bool
	ancount int
	ttlOffs []uint16
	minTTL  uint32 // the smallest TTL of any record, or 0 with none
	negTTL  uint32 // min(SOA TTL, SOA MINIMUM) of an authority SOA (RFC 2308 §5)
	hasSOA  bool
	end     int // length of the message without its OPT record and anything after it
	arKept  int // additional records before the OPT record
}

var errMismatch = errors.New("dns: reply does not match the query")

// inspectAnswer checks that msg answers the question (id, wire, qtype) and
// fills a. It rejects anything malformed, so nothing broken is cached.
func inspectAnswer(msg []byte, id uint16, wire []byte, qtype uint16, a *answer) error {
	a.ttlOffs = a.ttlOffs[:0]
	a.minTTL, a.negTTL, a.hasSOA, a.arKept = 0, 0, false, 0
	if len(msg) < headerLen {
		return errShort
	}
	flags := binary.BigEndian.Uint16(msg[2:])
	if binary.BigEndian.Uint16(msg) != id || flags&flagQR == 0 || binary.BigEndian.Uint16(msg[4:]) != 1 {
		return errMismatch
	}
	a.rcode = int(flags & 0xF)
	a.tc = flags&flagTC != 0
	an := int(binary.BigEndian.Uint16(msg[6:]))
	ns := int(binary.BigEndian.Uint16(msg[8:]))
	ar := int(binary.BigEndian.Uint16(msg[10:]))
	a.ancount = an
	off, ok := equalNameFold(msg, headerLen, wire)
	if !ok || off+4 > len(msg) || binary.BigEndian.Uint16(msg[off:]) != qtype || binary.BigEndian.Uint16(msg[off+2:]) != classIN {
		return errMismatch
	}
	off += 4
	first := true
	a.end = len(msg)
	for i := 0; i < an+ns+ar; i++ {
		start := off
		var err error
		if off, err = skipName(msg, off); err != nil {
			if a.tc && i >= an { // a truncated reply may stop anywhere after the answers
				a.end = start
				break
			}
			return err
		}
		if off+10 > len(msg) {
			return errShort
		}
		t := binary.BigEndian.Uint16(msg[off:])
		ttl := binary.BigEndian.Uint32(msg[off+4:])
		rdlen := int(binary.BigEndian.Uint16(msg[off+8:]))
		if off+10+rdlen > len(msg) {
			return errShort
		}
		if t == typeOPT {
			if i < an+ns {
				return errMismatch
			}
			a.rcode |= int(ttl>>24) << 4
			a.end = start
			break
		}
		if ttl > 1<<31-1 { // RFC 2181 §8: treat as zero
			ttl = 0
			binary.BigEndian.PutUint32(msg[off+4:], 0)
		}
		if off+4 > 0xFFFF {
			return errShort
		}
		a.ttlOffs = append(a.ttlOffs, uint16(off+4))
		if first || ttl < a.minTTL {
			a.minTTL, first = ttl, false
		}
		if t == typeSOA && i >= an && i < an+ns && rdlen >= 20 {
			minimum := binary.BigEndian.Uint32(msg[off+10+rdlen-4:])
			a.negTTL, a.hasSOA = min(ttl, minimum), true
		}
		if i >= an+ns {
			a.arKept++
		}
		off += 10 + rdlen
	}
	return nil
}

// ageTTLs lowers every TTL at offs in msg by elapsed seconds, to no less
// than zero.
func ageTTLs(msg []byte, offs []uint16, elapsed uint32) {
	if elapsed == 0 {
		return
	}
	for _, o := range offs {
		ttl := binary.BigEndian.Uint32(msg[o:])
		if ttl > elapsed {
			ttl -= elapsed
		} else {
			ttl = 0
		}
		binary.BigEndian.PutUint32(msg[o:], ttl)
	}
}

// minAnswerTTL returns the smallest TTL in the answer section of msg (for a
// DoH reply's Cache-Control), and ok false when there are no answers.
func minAnswerTTL(msg []byte) (uint32, bool) {
	if len(msg) < headerLen {
		return 0, false
	}
	an := int(binary.BigEndian.Uint16(msg[6:]))
	off, err := skipName(msg, headerLen)
	if err != nil || an == 0 {
		return 0, false
	}
	off += 4
	var m uint32
	for i := 0; i < an; i++ {
		if off, err = skipName(msg, off); err != nil || off+10 > len(msg) {
			return 0, false
		}
		ttl := binary.BigEndian.Uint32(msg[off+4:])
		if i == 0 || ttl < m {
			m = ttl
		}
		off += 10 + int(binary.BigEndian.Uint16(msg[off+8:]))
	}
	return m, true
}

// hasNames reports whether records of type t carry names in their data that
// may be compressed (RFC 3597 §4: only the types of RFC 1035, and a few
// later ones that kept compression).
func rdataNames(t uint16) int {
	switch t {
	case typeNS, typeCNAME, typePTR, typeDNAME:
		return 1
	case typeMX:
		return 2 // preference, then a name
	case typeSOA:
		return 3 // two names, then 20 octets
	}
	return 0
}

// appendRRExpanded appends the record at off in msg to dst with every name
// uncompressed, so it can stand in another message, and returns the offset
// after the record.
func appendRRExpanded(dst, msg []byte, off int) ([]byte, int, error) {
	dst, off, err := appendName(dst, msg, off)
	if err != nil {
		return dst, 0, err
	}
	if off+10 > len(msg) {
		return dst, 0, errShort
	}
	t := binary.BigEndian.Uint16(msg[off:])
	rdlen := int(binary.BigEndian.Uint16(msg[off+8:]))
	rd := off + 10
	end := rd + rdlen
	if end > len(msg) {
		return dst, 0, errShort
	}
	dst = append(dst, msg[off:off+8]...)
	lenAt := len(dst)
	dst = append(dst, 0, 0)
	switch rdataNames(t) {
	case 1:
		if dst, _, err = appendName(dst, msg, rd); err != nil {
			return dst, 0, err
		}
	case 2:
		if rdlen < 3 {
			return dst, 0, errShort
		}
		dst = append(dst, msg[rd:rd+2]...)
		if dst, _, err = appendName(dst, msg, rd+2); err != nil {
			return dst, 0, err
		}
	case 3:
		var next int
		if dst, next, err = appendName(dst, msg, rd); err != nil {
			return dst, 0, err
		}
		if dst, next, err = appendName(dst, msg, next); err != nil {
			return dst, 0, err
		}
		if next+20 != end {
			return dst, 0, errShort
		}
		dst = append(dst, msg[next:end]...)
	default:
		dst = append(dst, msg[rd:end]...)
	}
	n := len(dst) - lenAt - 2
	if n > 0xFFFF {
		return dst, 0, errShort
	}
	binary.BigEndian.PutUint16(dst[lenAt:], uint16(n))
	return dst, end, nil
}
