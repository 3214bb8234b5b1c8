package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// POST /concerns takes an Idempotency-Key header, so that a client that
// lost the answer to a report (a timeout, a dropped connection) can send it
// again without recording the concern twice. The store keeps the key with
// the concern, per user, in the same transaction; the same key with the
// same request gives back the first concern, and with a different request
// is refused, since then one of the two would silently be lost.

const (
	idempotencyHeader = "Idempotency-Key"
	maxIdempotencyKey = 255
)

// idempotencyKey returns the request's key, "" when it has none; ok is
// false for a key that is empty, too long, sent twice or not visible ASCII.
func idempotencyKey(h http.Header) (key string, ok bool) {
	vs := h.Values(idempotencyHeader)
	switch len(vs) {
	case 0:
		return "", true
	case 1:
	default:
		return "", false
	}
	key = vs[0]
	if key == "" || len(key) > maxIdempotencyKey {
		return "", false
	}
	for i := range len(key) {
		if key[i] < 0x21 || key[i] > 0x7e {
			return "", false
		}
	}
	return key, true
}

// concernDigest is a hash of what makes one request to record a concern
// differ from another: the child's query parameters and the body, byte for
// byte.
func concernDigest(q url.Values, body []byte) string {
	h := sha256.New()
	for _, k := range newChildParams {
		v := q.Get(k)
		h.Write([]byte(k + "=" + v))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// keyProblem names the header in the store's refusal of a key used for a
// different request.
func keyProblem(err error) error {
	e, ok := errors.AsType[*lifeguard.Error](err)
	if !ok || e.Code != lifeguard.EINVALID {
		return err
	}
	i := slices.IndexFunc(e.Problems, func(p lifeguard.Problem) bool { return p.Path == "idempotency_key" })
	if i < 0 {
		return err
	}
	return lifeguard.Invalid("The Idempotency-Key was used before", []lifeguard.Problem{{Path: idempotencyHeader,
		Problem: "was already used to record a concern with a different request; use a new key for a new concern"}})
}
