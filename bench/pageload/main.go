// Command pageload measures how fast Lifeguard serves its pages to a signed-in
// safeguarding lead: it signs in (enrolling the second factor as an
// authenticator app would), finds a concern and a child from the inbox, and
// requests each page many times, reporting p50 and p99. Benchmarks only:
// bench/pages.sh points it at a server on loopback.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard/bench/internal/signin"
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
	c, err := signin.Client(base, email, password, 30*time.Second)
	if err != nil {
		return err
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

func get(c *http.Client, u string) string {
	res, err := c.Get(u)
	if err != nil {
		return ""
	}
	return signin.Read(res)
}
