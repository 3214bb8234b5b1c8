package attach

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// frames returns n encoded records.
func frames(t testing.TB, n int) ([]byte, []record) {
	var b []byte
	var recs []record
	for i := range n {
		r := record{Kind: "event", Data: json.RawMessage(`{"id":"` + newID() + `","n":` + string(rune('0'+i%10)) + `}`)}
		p, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b = encodeFrame(b, p)
		recs = append(recs, r)
	}
	return b, recs
}

// TestTornTail cuts the active segment at every length of its last frame,
// as a crash in the middle of a write would, and checks that opening the
// spool keeps every whole record, cuts the rest, and appends after them.
func TestTornTail(t *testing.T) {
	whole, _ := frames(t, 3)
	last, _ := frames(t, 1)
	for cut := range len(last) {
		dir := t.TempDir()
		seg := filepath.Join(dir, segName(1))
		if err := os.WriteFile(seg, append(append([]byte(nil), whole...), last[:cut]...), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := openSpool(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.append([]record{{Kind: "worry", Data: json.RawMessage(`{}`)}}, true); err != nil {
			t.Fatal(err)
		}
		segs, err := s.rotate()
		if err != nil || len(segs) != 1 {
			t.Fatalf("cut %d: rotate: %v %v", cut, segs, err)
		}
		recs, _, damaged, err := s.readSegment(1, 0)
		if err != nil || damaged || len(recs) != 4 || recs[3].Kind != "worry" {
			t.Fatalf("cut %d: read %d records (damaged %v, %v), want the 3 whole ones and the new one", cut, len(recs), damaged, err)
		}
		s.close()
	}
}

// FuzzDecodeFrames feeds the spool's reader whole frames followed by
// anything: a truncated or corrupted tail. It must never panic, must keep
// every whole frame before the damage, and must say where the good part
// ends.
func FuzzDecodeFrames(f *testing.F) {
	good, _ := frames(f, 3)
	f.Add(good, []byte{})
	f.Add(good[:len(good)-3], []byte{0, 0})
	f.Add([]byte{}, []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add(good, []byte{0, 0, 0, 4, 1, 2, 3, 4, 'a', 'b'})
	f.Fuzz(func(t *testing.T, prefix, tail []byte) {
		payloads, n, err := decodeFrames(prefix)
		if n < 0 || n > len(prefix) || (err == nil) != (n == len(prefix)) {
			t.Fatalf("good=%d of %d, err=%v", n, len(prefix), err)
		}
		// What was good stays good, whatever follows it.
		b := append(append([]byte(nil), prefix[:n]...), tail...)
		again, m, _ := decodeFrames(b)
		if m < n || len(again) < len(payloads) {
			t.Fatalf("appending a tail lost whole frames: %d < %d", len(again), len(payloads))
		}
		for i := range payloads {
			if !bytes.Equal(again[i], payloads[i]) {
				t.Fatalf("frame %d changed", i)
			}
		}
		// And re-encoding the payloads gives back the good part exactly.
		var enc []byte
		for _, p := range payloads {
			enc = encodeFrame(enc, p)
		}
		if !bytes.Equal(enc, prefix[:n]) {
			t.Fatal("the good part does not re-encode to itself")
		}
	})
}
