package wire

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"
)

var fixed = Fixed{
	A:    netip.MustParseAddr("192.0.2.1"),
	AAAA: netip.MustParseAddr("2001:db8::1"),
	TTL:  3600,
}

func TestAnswer(t *testing.T) {
	mustQuery := func(name string, qtype uint16) []byte {
		q, err := Query(nil, 0x1234, name, qtype)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	noEDNS := mustQuery("www.example.com", TypeA)
	noEDNS = noEDNS[:len(noEDNS)-11]
	binary.BigEndian.PutUint16(noEDNS[10:], 0)
	notQuery := mustQuery("example.com", TypeA)
	notQuery[2] |= 2 << 3 // opcode STATUS
	twoQuestions := mustQuery("example.com", TypeA)
	binary.BigEndian.PutUint16(twoQuestions[4:], 2)
	pointerName := mustQuery("example.com", TypeA)
	pointerName[12] = 0xC0

	tests := []struct {
		name    string
		query   []byte
		rcode   int
		answers []Record
		opt     bool
	}{
		{"A", mustQuery("www.example.com", TypeA), RcodeSuccess,
			[]Record{{Type: TypeA, TTL: 3600, Data: []byte{192, 0, 2, 1}}}, true},
		{"AAAA", mustQuery("a.b.example.org", TypeAAAA), RcodeSuccess,
			[]Record{{Type: TypeAAAA, TTL: 3600, Data: netip.MustParseAddr("2001:db8::1").AsSlice()}}, true},
		{"MX has no data", mustQuery("example.com", 15), RcodeSuccess, nil, true},
		{"no EDNS0 in, none out", noEDNS, RcodeSuccess,
			[]Record{{Type: TypeA, TTL: 3600, Data: []byte{192, 0, 2, 1}}}, false},
		{"opcode other than QUERY", notQuery, RcodeNotImp, nil, false},
		{"two questions", twoQuestions, RcodeFormErr, nil, false},
		{"compressed question name", pointerName, RcodeFormErr, nil, false},
		{"question cut short", mustQuery("example.com", TypeA)[:20], RcodeFormErr, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := Answer(tt.query, nil, fixed)
			if !ok {
				t.Fatal("no answer")
			}
			r, err := ReadResponse(out)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			if r.ID != 0x1234 || r.Rcode != tt.rcode {
				t.Fatalf("id %#x rcode %d, want 0x1234 and %d", r.ID, r.Rcode, tt.rcode)
			}
			if len(r.Answers) != len(tt.answers) {
				t.Fatalf("%d answers, want %d", len(r.Answers), len(tt.answers))
			}
			for i, a := range r.Answers {
				w := tt.answers[i]
				if a.Type != w.Type || a.TTL != w.TTL || !bytes.Equal(a.Data, w.Data) {
					t.Errorf("answer %d = %+v, want %+v", i, a, w)
				}
			}
			if opt := binary.BigEndian.Uint16(out[10:]) == 1; opt != tt.opt {
				t.Errorf("OPT record in the answer: %v, want %v", opt, tt.opt)
			}
			if tt.rcode == RcodeSuccess {
				q, err := readQuestion(tt.query)
				if err != nil || !bytes.Equal(out[headerLen:q.end], tt.query[headerLen:q.end]) {
					t.Error("question not echoed")
				}
			}
		})
	}
}

func TestAnswerIgnoresWhatItCannotAnswer(t *testing.T) {
	if _, ok := Answer([]byte{1, 2, 3}, nil, fixed); ok {
		t.Error("answered a message shorter than a header")
	}
	q, _ := Query(nil, 1, "example.com", TypeA)
	resp, _ := Answer(q, nil, fixed)
	if _, ok := Answer(resp, nil, fixed); ok {
		t.Error("answered a response")
	}
}

func TestQueryRejectsBadNames(t *testing.T) {
	long := bytes.Repeat([]byte("a"), 64)
	for _, name := range []string{"", "a..b", string(long) + ".com", ".com"} {
		if _, err := Query(nil, 1, name, TypeA); err == nil {
			t.Errorf("Query(%q) made a query", name)
		}
	}
}

func FuzzAnswer(f *testing.F) {
	q, _ := Query(nil, 7, "www.example.com", TypeA)
	f.Add(q)
	q, _ = Query(nil, 8, "x.y", TypeAAAA)
	f.Add(q)
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12})
	f.Fuzz(func(t *testing.T, query []byte) {
		out, ok := Answer(query, nil, fixed)
		if !ok {
			return
		}
		r, err := ReadResponse(out)
		if err != nil {
			t.Fatalf("the answer to %x cannot be read back: %v", query, err)
		}
		if r.ID != binary.BigEndian.Uint16(query) {
			t.Fatalf("answer ID %#x for query ID %#x", r.ID, binary.BigEndian.Uint16(query))
		}
	})
}

func FuzzReadResponse(f *testing.F) {
	q, _ := Query(nil, 7, "www.example.com", TypeA)
	resp, _ := Answer(q, nil, fixed)
	f.Add(resp)
	f.Add([]byte{0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 12})
	f.Fuzz(func(t *testing.T, msg []byte) {
		r, err := ReadResponse(msg)
		if err != nil {
			return
		}
		for _, a := range r.Answers {
			if len(a.Data) > len(msg) {
				t.Fatal("record data longer than the message")
			}
		}
	})
}
