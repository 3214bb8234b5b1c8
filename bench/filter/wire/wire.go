// Package wire holds the little of the DNS wire format (RFC 1035, EDNS0 from
// RFC 6891) that the filter comparison needs: a fixed-answer responder for the
// local upstream, a query builder and a response reader for the probe. It is
// benchmark tooling, not part of the filter, and uses the standard library
// only.
package wire

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
)

// Record types and response codes used here.
const (
	TypeA    = 1
	TypeAAAA = 28
	typeOPT  = 41
	classIN  = 1

	RcodeSuccess  = 0
	RcodeFormErr  = 1
	RcodeNXDomain = 3
	RcodeNotImp   = 4

	headerLen = 12
	flagQR    = 1 << 15
	flagRD    = 1 << 8
	flagRA    = 1 << 7
	ednsSize  = 1232
)

// Fixed is what the upstream answers to every question: an A or AAAA query in
// class IN gets one record with these addresses and TTL; any other type gets
// an empty NOERROR answer (no data).
type Fixed struct {
	A    netip.Addr // an IPv4 address
	AAAA netip.Addr // an IPv6 address
	TTL  uint32
}

// ErrMalformed is returned for a message that cannot be read.
var ErrMalformed = errors.New("malformed DNS message")

// question is the one question of a query: where it ends in the message, its
// type and class.
type question struct {
	end   int
	qtype uint16
	class uint16
}

// readQuestion reads the uncompressed name, type and class that start at
// offset 12 of msg.
func readQuestion(msg []byte) (question, error) {
	off := headerLen
	total := 0
	for {
		if off >= len(msg) {
			return question{}, ErrMalformed
		}
		l := int(msg[off])
		off++
		if l == 0 {
			break
		}
		if l > 63 { // a pointer or a reserved label type: not allowed in a question here
			return question{}, ErrMalformed
		}
		total += l + 1
		if total > 254 || off+l > len(msg) {
			return question{}, ErrMalformed
		}
		off += l
	}
	if off+4 > len(msg) {
		return question{}, ErrMalformed
	}
	return question{
		end:   off + 4,
		qtype: binary.BigEndian.Uint16(msg[off:]),
		class: binary.BigEndian.Uint16(msg[off+2:]),
	}, nil
}

// hasOPT reports whether the record that starts at off is an EDNS0 OPT record
// (root name, type 41). A query carries at most that one additional record.
func hasOPT(msg []byte, off int) bool {
	return off+3 <= len(msg) && msg[off] == 0 && binary.BigEndian.Uint16(msg[off+1:]) == typeOPT
}

// Answer writes into out[:0] the response to query and returns it. It returns
// false when query is too short to carry an ID (nothing can be answered) or
// is itself a response. A query whose question cannot be read gets FORMERR;
// one with an opcode other than QUERY gets NOTIMP.
func Answer(query, out []byte, f Fixed) ([]byte, bool) {
	if len(query) < headerLen {
		return nil, false
	}
	flags := binary.BigEndian.Uint16(query[2:])
	if flags&flagQR != 0 {
		return nil, false
	}
	out = append(out[:0], query[0], query[1])                  // ID
	respFlags := uint16(flagQR|flagRA) | flags&(flagRD|0x7800) // keep RD and the opcode
	qd := binary.BigEndian.Uint16(query[4:])
	ar := binary.BigEndian.Uint16(query[10:])
	if opcode := flags >> 11 & 0xF; opcode != 0 {
		return appendHeader(out, respFlags|RcodeNotImp, 0, 0, 0), true
	}
	if qd != 1 {
		return appendHeader(out, respFlags|RcodeFormErr, 0, 0, 0), true
	}
	q, err := readQuestion(query)
	if err != nil {
		return appendHeader(out, respFlags|RcodeFormErr, 0, 0, 0), true
	}
	edns := ar == 1 && hasOPT(query, q.end)
	var rdata []byte
	if q.class == classIN {
		switch q.qtype {
		case TypeA:
			a := f.A.As4()
			rdata = a[:]
		case TypeAAAA:
			a := f.AAAA.As16()
			rdata = a[:]
		}
	}
	var an, arOut uint16
	if rdata != nil {
		an = 1
	}
	if edns {
		arOut = 1
	}
	out = appendHeader(out, respFlags|RcodeSuccess, 1, an, arOut)
	out = append(out, query[headerLen:q.end]...)
	if rdata != nil {
		out = append(out, 0xC0, headerLen) // a pointer to the question's name
		out = binary.BigEndian.AppendUint16(out, q.qtype)
		out = binary.BigEndian.AppendUint16(out, classIN)
		out = binary.BigEndian.AppendUint32(out, f.TTL)
		out = binary.BigEndian.AppendUint16(out, uint16(len(rdata)))
		out = append(out, rdata...)
	}
	if edns {
		out = append(out, 0) // root
		out = binary.BigEndian.AppendUint16(out, typeOPT)
		out = binary.BigEndian.AppendUint16(out, ednsSize)
		out = binary.BigEndian.AppendUint32(out, 0)
		out = binary.BigEndian.AppendUint16(out, 0)
	}
	return out, true
}

// appendHeader appends the header after the two ID octets already in out.
func appendHeader(out []byte, flags, qd, an, ar uint16) []byte {
	out = binary.BigEndian.AppendUint16(out, flags)
	out = binary.BigEndian.AppendUint16(out, qd)
	out = binary.BigEndian.AppendUint16(out, an)
	out = binary.BigEndian.AppendUint16(out, 0)
	return binary.BigEndian.AppendUint16(out, ar)
}

// Query appends to out a recursive query for name (no trailing dot) and
// qtype, with an EDNS0 OPT record. It returns an error for a name that does
// not fit the DNS limits.
func Query(out []byte, id uint16, name string, qtype uint16) ([]byte, error) {
	if name == "" || len(name) > 253 {
		return nil, ErrMalformed
	}
	out = binary.BigEndian.AppendUint16(out, id)
	out = binary.BigEndian.AppendUint16(out, flagRD)
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint16(out, 0)
	out = binary.BigEndian.AppendUint16(out, 0)
	out = binary.BigEndian.AppendUint16(out, 1)
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return nil, ErrMalformed
		}
		out = append(out, byte(len(label)))
		out = append(out, label...)
	}
	out = append(out, 0)
	out = binary.BigEndian.AppendUint16(out, qtype)
	out = binary.BigEndian.AppendUint16(out, classIN)
	out = append(out, 0)
	out = binary.BigEndian.AppendUint16(out, typeOPT)
	out = binary.BigEndian.AppendUint16(out, ednsSize)
	out = binary.BigEndian.AppendUint32(out, 0)
	return binary.BigEndian.AppendUint16(out, 0), nil
}

// Record is one record of a response's answer section.
type Record struct {
	Type uint16
	TTL  uint32
	Data []byte // the record data, aliasing the message
}

// Response is what the probe needs of a response.
type Response struct {
	ID      uint16
	Rcode   int
	Answers []Record
}

// skipName moves past a possibly compressed name starting at off.
func skipName(msg []byte, off int) (int, error) {
	for n := 0; n < 128; n++ {
		if off >= len(msg) {
			return 0, ErrMalformed
		}
		l := int(msg[off])
		switch {
		case l == 0:
			return off + 1, nil
		case l&0xC0 == 0xC0:
			if off+2 > len(msg) {
				return 0, ErrMalformed
			}
			return off + 2, nil
		case l > 63:
			return 0, ErrMalformed
		}
		off += 1 + l
	}
	return 0, ErrMalformed
}

// ReadResponse reads the header and answer section of a response.
func ReadResponse(msg []byte) (Response, error) {
	if len(msg) < headerLen {
		return Response{}, ErrMalformed
	}
	flags := binary.BigEndian.Uint16(msg[2:])
	if flags&flagQR == 0 {
		return Response{}, ErrMalformed
	}
	r := Response{ID: binary.BigEndian.Uint16(msg), Rcode: int(flags & 0xF)}
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	an := int(binary.BigEndian.Uint16(msg[6:]))
	off := headerLen
	var err error
	for range qd {
		if off, err = skipName(msg, off); err != nil {
			return Response{}, err
		}
		off += 4
	}
	for range an {
		if off, err = skipName(msg, off); err != nil {
			return Response{}, err
		}
		if off+10 > len(msg) {
			return Response{}, ErrMalformed
		}
		rec := Record{
			Type: binary.BigEndian.Uint16(msg[off:]),
			TTL:  binary.BigEndian.Uint32(msg[off+4:]),
		}
		l := int(binary.BigEndian.Uint16(msg[off+8:]))
		off += 10
		if off+l > len(msg) {
			return Response{}, ErrMalformed
		}
		rec.Data = msg[off : off+l]
		off += l
		r.Answers = append(r.Answers, rec)
	}
	if off > len(msg) {
		return Response{}, ErrMalformed
	}
	return r, nil
}
