// Command pageload measures how fast Lifeguard serves its pages to a signed-in
// safeguarding lead: it signs in (enrolling the second factor as an
// authenticator app would), finds a concern and a child from the inbox, and
// requests each page many times, reporting p50 and p99. Benchmarks only:
// bench/pages.sh points it at a server on loopback.
package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the server")
	email := flag.String("email", "", "a DSL's email")
	password := flag.String("password", "", "their password")
	n := flag.Int("n", 500, "requests per page")
	flag.Parse()
	if err := run(*base, *email, *password, *n); err != nil {
		fmt.Fprintln(os.Stderr, "pageload:", err)
		os.Exit(1)
	}
}

func run(base, email, password string, n int) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return err
	}
	body := read(res)
	if strings.Contains(res.Request.URL.Path, "/account/second-factor") {
		m := regexp.MustCompile(`id="secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
		if m == nil {
			return fmt.Errorf("no secret on the set-up page")
		}
		res, err = c.PostForm(base+"/account/second-factor", url.Values{"secret": {m[1]}, "code": {totp(m[1], time.Now())}})
		if err != nil {
			return err
		}
		read(res)
	} else if strings.Contains(res.Request.URL.Path, "/signin") {
		return fmt.Errorf("sign-in failed (%s)", res.Request.URL.Path)
	}
	inbox := get(c, base+"/inbox")
	concern := regexp.MustCompile(`href="(/concerns/\d+)"`).FindStringSubmatch(inbox)
	if concern == nil {
		return fmt.Errorf("no concern in the inbox")
	}
	page := get(c, base+concern[1])
	child := regexp.MustCompile(`href="(/children/\d+)"`).FindStringSubmatch(page)
	paths := []string{"/inbox", "/inbox?status=new", concern[1], "/report", "/help"}
	if child != nil {
		paths = append(paths, child[1])
	}
	for _, p := range paths {
		lat := make([]time.Duration, 0, n)
		for range n {
			t0 := time.Now()
			res, err := c.Get(base + p)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				return fmt.Errorf("%s answered %d", p, res.StatusCode)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("%-28s p50 %6.2f ms  p99 %6.2f ms  (%d requests)\n", p, ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), n)
	}
	return nil
}

func read(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

func get(c *http.Client, u string) string {
	res, err := c.Get(u)
	if err != nil {
		return ""
	}
	return read(res)
}

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
