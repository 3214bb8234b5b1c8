// Package webhook calls the webhooks an administrator configured: a POST
// of a small JSON body of ids and codes, signed so that the receiver can
// tell it came from Lifeguard and refuse a replay.
//
// The signature is in the header
//
//	Lifeguard-Signature: t=1760436000,v1=5257a869e7ec…
//
// where t is the Unix time of the call and v1 is the hex HMAC-SHA256,
// keyed with the webhook's secret (the text shown once when it was made),
// of t, a dot and the body exactly as received. A receiver recomputes it,
// compares in constant time, and refuses a t more than five minutes from
// its own clock (Verify does all three).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the signature; DeliveryHeader the outbox
// message's id, the same on every retry, so a receiver can drop a second
// copy.
const (
	SignatureHeader = "Lifeguard-Signature"
	DeliveryHeader  = "Lifeguard-Delivery"
)

// Tolerance is how far from now a receiver accepts a call's time.
const Tolerance = 5 * time.Minute

// Sign returns the header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Verify checks header against body and secret, refusing a call signed
// more than Tolerance away from now.
func Verify(secret, header string, body []byte, now time.Time) error {
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("webhook: the signature header is malformed")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return errors.New("webhook: the call is too old or from the future: a replay?")
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: the signature does not match")
}

// Caller posts signed calls.
type Caller struct {
	Client *http.Client
	Now    func() time.Time
}

// NewCaller returns a Caller with a client that gives up after timeout and
// follows no redirect: a webhook's URL is the one the administrator set.
func NewCaller(timeout time.Duration, now func() time.Time) *Caller {
	return &Caller{Client: &http.Client{Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, Now: now}
}

// Post sends body to url signed with secret; any status but 2xx is an
// error, which the outbox keeps (without the URL: it may hold a token).
func (c *Caller) Post(ctx context.Context, url, secret, delivery string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return errors.New("the webhook's URL is not valid")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lifeguard-Webhook/1")
	req.Header.Set(DeliveryHeader, delivery)
	req.Header.Set(SignatureHeader, Sign(secret, c.Now(), body))
	resp, err := c.Client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap() // *url.Error names the URL; its cause does not
		}
		return fmt.Errorf("webhook call failed: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the webhook answered %s", resp.Status)
	}
	return nil
}
