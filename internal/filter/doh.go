package filter

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// DNS over HTTPS, RFC 8484. /dns-query serves clients by their address like
// plain DNS; /dns-query/{device} names a managed device, which the policy
// maps to its group wherever the device is.

const dohType = "application/dns-message"

// DoHHandler returns the DoH endpoints.
func (f *Filter) DoHHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dns-query", f.serveDoH)
	mux.HandleFunc("POST /dns-query", f.serveDoH)
	mux.HandleFunc("GET /dns-query/{device}", f.serveDoH)
	mux.HandleFunc("POST /dns-query/{device}", f.serveDoH)
	return mux
}

// validDevice reports whether s may be a device's path segment: 1 to 64
// letters, digits, '-' and '_'.
func validDevice(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (f *Filter) serveDoH(w http.ResponseWriter, req *http.Request) {
	device := req.PathValue("device")
	if device != "" && !validDevice(device) {
		http.Error(w, "unknown device path: use letters, digits, - and _ (at most 64)", http.StatusNotFound)
		return
	}
	r := f.reqs.Get().(*request)
	defer f.reqs.Put(r)
	var msg []byte
	switch req.Method {
	case http.MethodGet:
		s := req.URL.Query().Get("dns")
		if s == "" {
			http.Error(w, "the dns parameter is missing", http.StatusBadRequest)
			return
		}
		if len(s) > base64.RawURLEncoding.EncodedLen(maxMsg)+2 {
			http.Error(w, "the query is too long", http.StatusRequestURITooLong)
			return
		}
		s = strings.TrimRight(s, "=")
		n := base64.RawURLEncoding.DecodedLen(len(s))
		if cap(r.in) < n {
			r.in = make([]byte, n)
		}
		m, err := base64.RawURLEncoding.Decode(r.in[:n], []byte(s))
		if err != nil {
			http.Error(w, "the dns parameter is not base64url", http.StatusBadRequest)
			return
		}
		msg = r.in[:m]
	case http.MethodPost:
		if ct, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || ct != dohType {
			http.Error(w, "the body must be "+dohType, http.StatusUnsupportedMediaType)
			return
		}
		body := http.MaxBytesReader(w, req.Body, maxMsg)
		b, err := readAllInto(body, r.in[:0])
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "the query is larger than a DNS message can be", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "reading the query failed", http.StatusBadRequest)
			return
		}
		r.in, msg = b[:0], b
	}
	var client netip.Addr
	if ap, err := netip.ParseAddrPort(req.RemoteAddr); err == nil {
		client = ap.Addr().Unmap()
	}
	out, _ := f.handle(req.Context(), r, r.out[:0], msg, client, device, maxMsg, false)
	if out == nil {
		http.Error(w, "not a DNS query", http.StatusBadRequest)
		return
	}
	r.out = out[:0]
	h := w.Header()
	h.Set("Content-Type", dohType)
	h.Set("Content-Length", strconv.Itoa(len(out)))
	if ttl, ok := minAnswerTTL(out); ok {
		h.Set("Cache-Control", "max-age="+strconv.FormatUint(uint64(ttl), 10))
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.Write(out)
}

// readAllInto reads r to the end into buf, growing it as needed.
func readAllInto(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
