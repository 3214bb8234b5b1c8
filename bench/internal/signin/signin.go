// Package signin signs a benchmark client in to a Lifeguard server as a
// safeguarding lead would, enrolling the second factor as an authenticator
// app would on first sign-in. It is shared by the programs under bench/
// that drive the web pages; benchmarks only.
package signin

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Client signs in to the server at base with email and password and returns
// an HTTP client that carries the session, whose requests time out after
// timeout. When the server asks the user to set up a second factor, it
// reads the secret from the page and answers with the current code.
func Client(base, email, password string, timeout time.Duration) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: timeout}
	res, err := c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return nil, err
	}
	body := Read(res)
	if strings.Contains(res.Request.URL.Path, "/account/second-factor") {
		m := regexp.MustCompile(`id="secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
		if m == nil {
			return nil, errors.New("no secret on the set-up page")
		}
		res, err = c.PostForm(base+"/account/second-factor", url.Values{"secret": {m[1]}, "code": {totp(m[1], time.Now())}})
		if err != nil {
			return nil, err
		}
		Read(res)
	} else if strings.Contains(res.Request.URL.Path, "/signin") {
		return nil, fmt.Errorf("sign-in failed (%s)", res.Request.URL.Path)
	}
	return c, nil
}

// Read reads and closes a response's body, so that the connection can be
// used again, and returns the body.
func Read(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

// totp is the six-digit RFC 6238 code of secret at time at, as an
// authenticator app shows it. The server's own code (internal/auth) keeps
// its generator private, so the bench programs carry this one.
func totp(secret string, at time.Time) string {
	key, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	h := m.Sum(nil)
	off := h[len(h)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(h[off:off+4])&0x7fffffff)%1000000)
}
