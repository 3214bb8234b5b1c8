package attach

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The spool is a directory of append-only segment files, seg-NNNNNNNNNNNNNNNN.log,
// numbered upwards. Each holds frames:
//
//	length  uint32, big-endian: the payload's bytes (1 to maxFrame)
//	crc     uint32, big-endian: CRC-32C of the payload
//	payload one record, JSON
//
// New records go to the highest-numbered segment, the active one. The
// sender closes it (rotate) and reads closed segments, which never change
// again, oldest first; once the server has acknowledged every record of a
// segment, the segment is deleted. The file "ack" says how far into the
// oldest segment the server has acknowledged, so that a restart resends
// little; what it resends is recognised by the server by its id.
//
// A crash can leave a torn frame at the end of the active segment: when
// the spool is opened, that segment is cut back to its last whole frame.
// A frame that fails its checksum ends what is read of its segment.

const (
	frameHeader = 8
	// maxFrame bounds one record; the largest a filter sends (a worry of
	// 5,000 four-byte characters with its fields) is far below it.
	maxFrame  = 1 << 20
	segPrefix = "seg-"
	segSuffix = ".log"
	ackFile   = "ack"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is one thing the filter sends: Kind is "event", "review" or
// "worry"; Data is its JSON body (one event, or a review or worry).
type record struct {
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data"`
}

// encodeFrame appends payload as a frame to dst.
func encodeFrame(dst, payload []byte) []byte {
	var h [frameHeader]byte
	binary.BigEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.BigEndian.PutUint32(h[4:8], crc32.Checksum(payload, castagnoli))
	return append(append(dst, h[:]...), payload...)
}

// errTorn says that the data ends in a frame that is incomplete or
// damaged; what came before it is good.
var errTorn = errors.New("spool: torn or damaged frame")

// decodeFrames returns the payloads of the whole, undamaged frames at the
// start of b, and the offset just after the last of them. err is errTorn
// when bytes follow that are not such a frame.
func decodeFrames(b []byte) (payloads [][]byte, good int, err error) {
	for good < len(b) {
		rest := b[good:]
		if len(rest) < frameHeader {
			return payloads, good, errTorn
		}
		n := binary.BigEndian.Uint32(rest[0:4])
		if n == 0 || n > maxFrame || int(n) > len(rest)-frameHeader {
			return payloads, good, errTorn
		}
		p := rest[frameHeader : frameHeader+int(n)]
		if crc32.Checksum(p, castagnoli) != binary.BigEndian.Uint32(rest[4:8]) {
			return payloads, good, errTorn
		}
		payloads = append(payloads, p)
		good += frameHeader + int(n)
	}
	return payloads, good, nil
}

// spool is the directory. Its methods are safe for concurrent use; closed
// segments are read without the lock, since nothing writes them.
type spool struct {
	dir string

	mu         sync.Mutex
	active     *os.File
	activeSeq  uint64
	activeSize int64
}

func segName(seq uint64) string { return fmt.Sprintf("%s%016d%s", segPrefix, seq, segSuffix) }

// segments lists the segment numbers in the directory, in order.
func segments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, segPrefix) || !strings.HasSuffix(name, segSuffix) {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, segPrefix), segSuffix), 10, 64)
		if err != nil {
			continue // not ours
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// openSpool opens (creating) the spool in dir, cuts a torn tail off the
// newest segment and makes it the active one.
func openSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &spool{dir: dir}
	segs, err := segments(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	seq := uint64(1)
	if len(segs) > 0 {
		seq = segs[len(segs)-1]
	}
	if err := s.openActive(seq); err != nil {
		return nil, err
	}
	return s, nil
}

// openActive opens segment seq for appending, cut back to its last whole
// frame.
func (s *spool) openActive(seq uint64) error {
	path := filepath.Join(s.dir, segName(seq))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	_, good, _ := decodeFrames(b)
	if good != len(b) {
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return fmt.Errorf("spool: cutting a torn tail: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("spool: %w", err)
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		f.Close()
		return err
	}
	s.active, s.activeSeq, s.activeSize = f, seq, int64(good)
	return nil
}

// append writes the records to the active segment and, with sync, waits
// until they are on disk.
func (s *spool) append(recs []record, sync bool) error {
	var buf []byte
	for _, r := range recs {
		p, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		if len(p) > maxFrame {
			return fmt.Errorf("spool: a record of %d bytes is larger than %d", len(p), maxFrame)
		}
		buf = encodeFrame(buf, p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		return errClosed
	}
	n, err := s.active.Write(buf)
	s.activeSize += int64(n)
	if err != nil {
		// Cut off whatever part was written, so the segment stays whole.
		if terr := s.active.Truncate(s.activeSize - int64(n)); terr == nil {
			s.activeSize -= int64(n)
			s.active.Seek(s.activeSize, io.SeekStart)
		}
		return fmt.Errorf("spool: %w", err)
	}
	if sync {
		if err := s.active.Sync(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
	}
	return nil
}

// rotate closes the active segment, when it holds anything, and starts the
// next; it returns the closed segments waiting to be sent, oldest first.
func (s *spool) rotate() ([]uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		return nil, errClosed
	}
	if s.activeSize > 0 {
		if err := s.active.Sync(); err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		if err := s.active.Close(); err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		s.active = nil
		if err := s.openActive(s.activeSeq + 1); err != nil {
			return nil, err
		}
	}
	segs, err := segments(s.dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return slices.DeleteFunc(segs, func(n uint64) bool { return n >= s.activeSeq }), nil
}

// readSegment reads the records of closed segment seq from offset on.
// Each comes with the offset just after it. A damaged frame ends the
// segment; damaged reports it.
func (s *spool) readSegment(seq uint64, from int64) (recs []record, ends []int64, damaged bool, err error) {
	b, err := os.ReadFile(filepath.Join(s.dir, segName(seq)))
	if err != nil {
		return nil, nil, false, fmt.Errorf("spool: %w", err)
	}
	if from > int64(len(b)) {
		from = int64(len(b))
	}
	payloads, _, terr := decodeFrames(b[from:])
	off := from
	for _, p := range payloads {
		off += int64(frameHeader + len(p))
		var r record
		if err := json.Unmarshal(p, &r); err != nil {
			// Whole and checked, yet not a record: written by something
			// else. Treat it as the end, like damage.
			return recs, ends, true, nil
		}
		recs, ends = append(recs, r), append(ends, off)
	}
	return recs, ends, terr != nil, nil
}

// remove deletes a closed segment once all of it is acknowledged.
func (s *spool) remove(seq uint64) error {
	if err := os.Remove(filepath.Join(s.dir, segName(seq))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("spool: %w", err)
	}
	return syncDir(s.dir)
}

// ack is how far the server has acknowledged the oldest segment.
type ack struct {
	Segment uint64 `json:"segment"`
	Offset  int64  `json:"offset"`
}

func (s *spool) readAck() ack {
	var a ack
	b, err := os.ReadFile(filepath.Join(s.dir, ackFile))
	if err != nil || json.Unmarshal(b, &a) != nil || a.Offset < 0 {
		return ack{} // none, or unreadable: resend from the start, which is safe
	}
	return a
}

// writeAck records a, atomically: a new file renamed over the old.
func (s *spool) writeAck(a ack) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, ackFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, ackFile)); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return syncDir(s.dir)
}

// appendRejected keeps a record the server refused for good, with the
// server's answer, in rejected.log for the operator: it is not sent again,
// and not lost.
func (s *spool) appendRejected(r record, answer []byte) error {
	line, err := json.Marshal(struct {
		Record record          `json:"record"`
		Answer json.RawMessage `json:"answer"`
	}{r, jsonOrString(answer)})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(s.dir, "rejected.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	return f.Close()
}

func jsonOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

func (s *spool) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		return nil
	}
	err := errors.Join(s.active.Sync(), s.active.Close())
	s.active = nil
	return err
}

// syncDir makes a file's creation, rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: syncing the directory: %w", err)
	}
	return nil
}
