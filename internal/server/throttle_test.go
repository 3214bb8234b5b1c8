package server_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// Sign-in throttling from outside, over loopback: clients come from
// different addresses of 127.0.0.0/8, which Linux delivers to the server
// like any other.

// browserFrom is a browser whose connections come from the address ip.
func (f *attackFixture) browserFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *attackFixture) signIn(t *testing.T, c *http.Client, email, password string) (int, string, string) {
	t.Helper()
	return f.do(t, c, attackRequest{method: "POST", path: "/signin", form: url.Values{"email": {email}, "password": {password}}})
}

// canBindLoopback reports whether this machine lets a client use another
// loopback address than 127.0.0.1 (Linux does; some systems only have
// 127.0.0.1 configured).
func canBindLoopback(ip string) bool {
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// TestAttackerCannotLockOwnerOut: an attacker guessing a DSL's password
// from one address is throttled, and the owner, from another address,
// still signs in with the right one.
func TestAttackerCannotLockOwnerOut(t *testing.T) {
	if !canBindLoopback("127.0.0.2") {
		t.Fatal("this test needs client addresses 127.0.0.2 and 127.0.0.3 on loopback (Linux has all of 127.0.0.0/8)")
	}
	f := newAttackFixture(t)
	victim := f.users[lifeguard.RoleDSL].Email
	attacker := f.browserFrom(t, "127.0.0.2")
	throttled := false
	for i := range 30 {
		status, _, body := f.signIn(t, attacker, victim, fmt.Sprintf("guess number %d", i))
		if status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, status)
		}
		throttled = throttled || strings.Contains(body, "Too many failed sign-ins")
	}
	if !throttled {
		t.Error("thirty guesses from one address were never throttled")
	}
	// Even the right password is refused to the attacker's address now.
	if _, _, body := f.signIn(t, attacker, victim, attackPassword); !strings.Contains(body, "Too many failed sign-ins") {
		t.Error("the attacker's address is not throttled for the account")
	}
	status, loc, body := f.signIn(t, f.browserFrom(t, "127.0.0.3"), victim, attackPassword)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin/second-factor") {
		t.Errorf("the owner from another address: %d to %q\n%.300s", status, loc, body)
	}
}

// TestSchoolBehindOneAddressSignsIn: a thousand members of staff of one
// school, behind one address, sign in at the start of the day, one in ten
// mistyping their password first, and every one of them gets in.
func TestSchoolBehindOneAddressSignsIn(t *testing.T) {
	if !canBindLoopback("127.0.0.4") {
		t.Fatal("this test needs the client address 127.0.0.4 on loopback (Linux has all of 127.0.0.0/8)")
	}
	f := newAttackFixture(t)
	const staff = 1000
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	hash, err := hashWith(attackPassword)
	if err != nil {
		t.Fatal(err)
	}
	org := f.users[lifeguard.RoleStaff].OrganisationID
	// Sixteen at a time, as a school's morning is: it also lets the store
	// commit their writes together.
	const workers = 16
	each := func(fn func(c *http.Client, i int) error) []error {
		errs := make([]error, staff)
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			c := f.browserFrom(t, "127.0.0.4") // one browser per desk, all behind the school's address
			wg.Go(func() {
				for i := range next {
					errs[i] = fn(c, i)
				}
			})
		}
		for i := range staff {
			next <- i
		}
		close(next)
		wg.Wait()
		return errs
	}
	for _, err := range each(func(_ *http.Client, i int) error {
		_, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: fmt.Sprintf("teacher%d@school.example", i),
			Name: fmt.Sprint("Teacher ", i), Role: lifeguard.RoleStaff, OrganisationID: org, PasswordHash: hash})
		return err
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(c *http.Client, email, password string) (*http.Response, error) {
		res, err := c.PostForm(f.url+"/signin", url.Values{"email": {email}, "password": {password}})
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res, nil
	}
	errs := each(func(c *http.Client, i int) error {
		email := fmt.Sprintf("teacher%d@school.example", i)
		if i%10 == 0 {
			res, err := signIn(c, email, "the wrong password")
			if err != nil {
				return err
			}
			if res.StatusCode != http.StatusUnauthorized {
				return fmt.Errorf("a mistyped password: %d", res.StatusCode)
			}
		}
		res, err := signIn(c, email, attackPassword)
		if err != nil {
			return err
		}
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/report" {
			return fmt.Errorf("%d to %q", res.StatusCode, loc)
		}
		return nil
	})
	in := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("teacher %d: %v", i, err)
			continue
		}
		in++
	}
	if in != staff {
		t.Errorf("%d of %d staff signed in", in, staff)
	}
}
