// Package attach is the DNS filter's link to a Lifeguard server: it reads
// the organisation's filter policy from the server, and sends it blocked
// attempts (events), "this block is wrong" (reviews) and "I saw something
// that worried me" (worries). Everything to send is first written to an
// on-disk spool (spool.go), so that a server that is down, or a filter
// that restarts, loses nothing; every record carries an id, so that what
// is sent twice is recorded once. docs/filter-server.md describes it.
//
// Nothing personal is logged: not a name, an address, a comment or a
// worry; only ids, counts and statuses.
package attach

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Event, Review and Worry are what the DNS side and the block page give
// the client; an empty ID is given a new UUID.
type (
	Event  = lifeguard.FilterEvent
	Review = lifeguard.NewFilterReview
	Worry  = lifeguard.NewFilterWorry
)

// Config configures a client.
type Config struct {
	// URL is the Lifeguard server, such as https://lifeguard.example.org.
	URL string
	// Token is an API token of the organisation's filter account (role
	// "filter").
	Token string
	// SpoolDir holds the spool; created with owner-only permissions.
	SpoolDir string
	// Timeout bounds each request to the server; 15 s when zero.
	Timeout time.Duration
	// FlushInterval is the longest an event waits in memory before it is
	// written to the spool and synced to disk; 200 ms when zero. Reviews
	// and worries are synced before Review and Worry return.
	FlushInterval time.Duration
	// MaxPending bounds the events waiting in memory for the disk; 100,000
	// when zero. Only a disk that cannot keep up for a long time fills it;
	// events beyond it are counted as dropped and logged, since Event must
	// never block the DNS path.
	MaxPending int
	// MinBackoff and MaxBackoff bound the wait between attempts while the
	// server is unreachable: 1 s and 1 min when zero, doubling between.
	MinBackoff, MaxBackoff time.Duration
	// HTTPClient is used for requests; a new one when nil.
	HTTPClient *http.Client
	// Logger receives ids, counts and statuses only; nothing when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Client is the filter's side of the link. Its methods are safe for
// concurrent use.
type Client struct {
	cfg   Config
	base  string
	http  *http.Client
	log   *slog.Logger
	spool *spool

	mu      sync.Mutex
	pending []record
	dropped int64
	closed  bool

	kick     chan struct{} // wakes the flusher
	send     chan struct{} // wakes the sender
	stop     chan struct{}
	flushed  sync.WaitGroup
	closeErr error
	once     sync.Once
}

// errClosed is returned after Close.
var errClosed = errors.New("attach: the client is closed")

// ErrNoPolicy is returned by Policy when the server has no policy for the
// organisation yet.
var ErrNoPolicy = errors.New("attach: the server has no filter policy for the organisation")

// New opens the spool and starts the goroutine that writes events to it.
// Call Run to send, and Close when done.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" || cfg.Token == "" || cfg.SpoolDir == "" {
		return nil, errors.New("attach: URL, Token and SpoolDir are required")
	}
	if !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		return nil, fmt.Errorf("attach: the server's URL must start with https:// (or http:// on a trusted network)")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = 200 * time.Millisecond
	}
	if cfg.MaxPending == 0 {
		cfg.MaxPending = 100_000
	}
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg, base: strings.TrimSuffix(cfg.URL, "/") + "/api/v1/filter", http: cfg.HTTPClient,
		log: cfg.Logger, kick: make(chan struct{}, 1), send: make(chan struct{}, 1), stop: make(chan struct{})}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if c.spool, err = openSpool(cfg.SpoolDir); err != nil {
		return nil, err
	}
	c.flushed.Add(1)
	go c.flusher()
	return c, nil
}

// newID returns a random (version 4) UUID.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Event queues a blocked attempt. It never blocks and does no I/O: the
// event is written to the spool within FlushInterval.
func (c *Client) Event(e Event) {
	if e.ID == "" {
		e.ID = newID()
	}
	data, err := json.Marshal(e)
	if err != nil { // cannot happen for these types
		return
	}
	c.mu.Lock()
	switch {
	case c.closed:
		c.dropped++
	case len(c.pending) >= c.cfg.MaxPending:
		c.dropped++
	default:
		c.pending = append(c.pending, record{Kind: "event", Data: data})
	}
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Dropped returns how many events were dropped because the spool could not
// take them (after Close, or with MaxPending waiting for the disk).
func (c *Client) Dropped() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

// flusher writes waiting events to the spool: as soon as some arrive,
// synced at most FlushInterval later.
func (c *Client) flusher() {
	defer c.flushed.Done()
	t := time.NewTicker(c.cfg.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			c.closeErr = c.Sync()
			return
		case <-t.C:
		case <-c.kick:
			// Gather a little more before one sync for all of them.
			select {
			case <-c.stop:
				c.closeErr = c.Sync()
				return
			case <-t.C:
			}
		}
		if err := c.Sync(); err != nil {
			c.log.Error("writing events to the spool failed; they stay in memory", slog.String("error", err.Error()))
		}
	}
}

// Sync writes the events waiting in memory to the spool and waits until
// they are on disk.
func (c *Client) Sync() error {
	c.mu.Lock()
	recs := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(recs) == 0 {
		return nil
	}
	if err := c.spool.append(recs, true); err != nil {
		c.mu.Lock()
		c.pending = append(recs, c.pending...)
		c.mu.Unlock()
		return err
	}
	c.wake()
	return nil
}

func (c *Client) wake() {
	select {
	case c.send <- struct{}{}:
	default:
	}
}

// Review checks a review request and writes it to the spool, on disk
// before it returns; Run sends it. An invalid request is an EINVALID
// *lifeguard.Error naming the fields.
func (c *Client) Review(ctx context.Context, r Review) error {
	if r.ID == "" {
		r.ID = newID()
	}
	if ps := r.Validate(c.cfg.Now()); len(ps) > 0 {
		return lifeguard.Invalid("The review request is not valid", ps)
	}
	return c.spoolNow(ctx, "review", r)
}

// Worry checks a worry and writes it to the spool, on disk before it
// returns; Run sends it at once.
func (c *Client) Worry(ctx context.Context, w Worry) error {
	if w.ID == "" {
		w.ID = newID()
	}
	if ps := w.Validate(c.cfg.Now()); len(ps) > 0 {
		return lifeguard.Invalid("The worry is not valid", ps)
	}
	return c.spoolNow(ctx, "worry", w)
}

func (c *Client) spoolNow(ctx context.Context, kind string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := c.spool.append([]record{{Kind: kind, Data: data}}, true); err != nil {
		return err
	}
	c.wake()
	return nil
}

// Close writes the events still in memory to the spool and closes it. Run
// should have returned first.
func (c *Client) Close() error {
	c.once.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		close(c.stop)
		c.flushed.Wait()
		c.closeErr = errors.Join(c.closeErr, c.spool.close())
	})
	return c.closeErr
}

// Run sends the spool to the server until ctx ends, then returns nil.
// While the server cannot be reached, or answers with an error it may
// recover from, it waits (MinBackoff, doubling up to MaxBackoff) and tries
// the same records again. A record the server refuses for good (422: it is
// not valid) is moved to rejected.log in the spool directory and logged by
// id, so that it neither blocks the rest nor is lost.
func (c *Client) Run(ctx context.Context) error {
	backoff := c.cfg.MinBackoff
	for {
		err := c.drain(ctx)
		wait := time.Duration(0)
		if err != nil && ctx.Err() == nil {
			c.log.Warn("sending to the Lifeguard server failed; will try again", slog.String("error", err.Error()),
				slog.String("retry_in", backoff.String()))
			wait, backoff = backoff, min(backoff*2, c.cfg.MaxBackoff)
		} else if err == nil {
			backoff = c.cfg.MinBackoff
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.send:
		case <-time.After(c.cfg.FlushInterval * 5):
		}
	}
}

// drain sends every closed segment, after closing the active one.
func (c *Client) drain(ctx context.Context) error {
	segs, err := c.spool.rotate()
	if err != nil {
		return err
	}
	for _, seq := range segs {
		if err := c.sendSegment(ctx, seq); err != nil {
			return err
		}
	}
	return nil
}

// sendSegment sends one closed segment from where the server's
// acknowledgement left it, and deletes it once all of it is acknowledged.
func (c *Client) sendSegment(ctx context.Context, seq uint64) error {
	a := c.spool.readAck()
	from := int64(0)
	if a.Segment == seq {
		from = a.Offset
	}
	recs, ends, damaged, err := c.spool.readSegment(seq, from)
	if err != nil {
		return err
	}
	if damaged {
		c.log.Error("a spool segment is damaged; the records after the damage cannot be read",
			slog.Uint64("segment", seq), slog.Int("records_read", len(recs)))
	}
	for i := 0; i < len(recs); {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := 1
		if recs[i].Kind == "event" {
			for n < lifeguard.MaxFilterBatch && i+n < len(recs) && recs[i+n].Kind == "event" {
				n++
			}
		}
		if err := c.sendRecords(ctx, recs[i:i+n]); err != nil {
			return err
		}
		i += n
		if err := c.spool.writeAck(ack{Segment: seq, Offset: ends[i-1]}); err != nil {
			return err
		}
	}
	if err := c.spool.remove(seq); err != nil {
		return err
	}
	return c.spool.writeAck(ack{Segment: seq + 1})
}

// permanentError is the server's refusal of records that will never be
// accepted as they are.
type permanentError struct {
	status int
	body   []byte
}

func (e *permanentError) Error() string {
	return fmt.Sprintf("the server refused the records: %d", e.status)
}

var eventIndex = regexp.MustCompile(`^events\[(\d+)\]`)

// sendRecords sends one review, one worry, or a batch of events. A batch
// the server refuses because some events are not valid is sent again
// without them; those are moved to rejected.log.
func (c *Client) sendRecords(ctx context.Context, recs []record) error {
	var path string
	var body []byte
	switch recs[0].Kind {
	case "event":
		path = "/events"
		datas := make([]json.RawMessage, len(recs))
		for i, r := range recs {
			datas[i] = r.Data
		}
		body, _ = json.Marshal(map[string]any{"events": datas})
	case "review":
		path, body = "/reviews", recs[0].Data
	case "worry":
		path, body = "/worries", recs[0].Data
	default:
		c.log.Error("the spool holds a record of an unknown kind; kept in rejected.log", slog.String("kind", recs[0].Kind))
		return c.spool.appendRejected(recs[0], nil)
	}
	err := c.post(ctx, path, body)
	pe, ok := errors.AsType[*permanentError](err)
	if !ok {
		if err == nil {
			c.log.Info("sent to the Lifeguard server", slog.String("kind", recs[0].Kind), slog.Int("records", len(recs)))
		}
		return err
	}
	if recs[0].Kind != "event" || len(recs) == 1 {
		c.log.Error("the server refused a record for good; kept in rejected.log", slog.String("kind", recs[0].Kind),
			slog.Int("status", pe.status))
		return c.spool.appendRejected(recs[0], pe.body)
	}
	// Which events of the batch were refused?
	var answer struct {
		Problems []lifeguard.Problem `json:"problems"`
	}
	json.Unmarshal(pe.body, &answer)
	bad := map[int]bool{}
	for _, p := range answer.Problems {
		if m := eventIndex.FindStringSubmatch(p.Path); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < len(recs) {
				bad[i] = true
			}
		}
	}
	if len(bad) == 0 {
		// Not about single events: send them one by one to find out.
		for i := range recs {
			if err := c.sendRecords(ctx, recs[i:i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	var good []record
	for i, r := range recs {
		if bad[i] {
			c.log.Error("the server refused an event for good; kept in rejected.log", slog.Int("status", pe.status))
			if err := c.spool.appendRejected(r, pe.body); err != nil {
				return err
			}
			continue
		}
		good = append(good, r)
	}
	if len(good) == 0 {
		return nil
	}
	return c.sendRecords(ctx, good)
}

// post sends body and reads the answer: nil for 2xx, *permanentError for
// a refusal that sending again cannot change (400, 413, 415, 422), and an
// ordinary error for anything to try again (the network, 401 and 403 while
// the token is being put right, 404 from a proxy, 429, 5xx).
func (c *Client) post(ctx context.Context, path string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("attach: POST %s: %w", path, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusBadRequest, res.StatusCode == http.StatusRequestEntityTooLarge,
		res.StatusCode == http.StatusUnsupportedMediaType, res.StatusCode == http.StatusUnprocessableEntity:
		return &permanentError{status: res.StatusCode, body: answer}
	}
	return fmt.Errorf("attach: POST %s: the server answered %d", path, res.StatusCode)
}

// Policy asks the server for the organisation's policy document. With the
// ETag of the document the filter has, it answers changed=false (and no
// document) while the document is the same. ErrNoPolicy when none is set.
func (c *Client) Policy(ctx context.Context, etag string) (doc []byte, newETag string, changed bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/policy", nil)
	if err != nil {
		return nil, "", false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, "", false, fmt.Errorf("attach: GET policy: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, lifeguard.MaxFilterPolicy+1))
	if err != nil {
		return nil, "", false, fmt.Errorf("attach: GET policy: %w", err)
	}
	switch res.StatusCode {
	case http.StatusNotModified:
		return nil, etag, false, nil
	case http.StatusOK:
		if len(body) > lifeguard.MaxFilterPolicy || !json.Valid(body) {
			return nil, "", false, fmt.Errorf("attach: GET policy: the server sent a document that is not JSON of at most %d bytes", lifeguard.MaxFilterPolicy)
		}
		return body, res.Header.Get("ETag"), true, nil
	case http.StatusNotFound:
		return nil, "", false, ErrNoPolicy
	}
	return nil, "", false, fmt.Errorf("attach: GET policy: the server answered %d", res.StatusCode)
}
