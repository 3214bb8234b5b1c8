// Command concurrent measures Lifeguard under many safeguarding leads at
// once: N signed-in DSLs, each of a different school, in a closed loop over
// a mix of the pages they use (the inbox, a concern, a child's record, the
// organisation's figures, and adding a note), for a fixed time, at each N
// given. It reports page views a second and p50/p99 per page. Benchmarks
// only: bench/concurrent.sh builds the million-concern database, gives its
// DSLs a password (-prepare) and points this at a server on loopback.
package main

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lifeguard-scp/lifeguard/bench/internal/signin"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	_ "modernc.org/sqlite"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the server")
	password := flag.String("password", "bench concurrent passphrase", "the DSLs' password")
	ns := flag.String("n", "10,50,200", "numbers of DSLs at once, each run in turn")
	dur := flag.Duration("duration", 20*time.Second, "how long each run measures")
	prepare := flag.String("prepare", "", "a SQLite file of the benchmark database: give its first DSLs the password, then stop")
	mixFlag := flag.String("mix", "inbox=35,concern=30,child=15,note=15,figures=5", "the pages viewed, each with its share")
	think := flag.Duration("think", 0, "each DSL's pause between page views (0: a closed loop, as fast as answered)")
	stopFile := flag.String("stop-file", "", "end a run early once this `FILE` exists (bench/erasure.sh: when the job is done)")
	flag.Parse()
	var err error
	switch {
	case *prepare != "":
		err = prepareDSLs(*prepare, *password, maxN(*ns))
	default:
		var mix []page
		if mix, err = parseMix(*mixFlag); err == nil {
			err = run(*base, *password, *ns, *dur, mix, *think, *stopFile)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "concurrent:", err)
		os.Exit(1)
	}
}

func maxN(ns string) int {
	m := 0
	for _, s := range strings.Split(ns, ",") {
		n, _ := strconv.Atoi(s)
		m = max(m, n)
	}
	return m
}

// dslEmail is the address of the DSL of the i-th school (from 1) in the
// store's benchmark data: users come three to a school, the DSL first.
func dslEmail(i int) string { return fmt.Sprintf("u%d@example.org", (i-1)*3+1) }

// prepareDSLs sets the password of the first n DSLs. It writes the one
// column straight into the file rather than through the store, so that it
// prepares the database of an earlier build too, whose schema this build's
// store would not read.
func prepareDSLs(path, password string, n int) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		res, err := db.Exec(`UPDATE users SET password_hash = ? WHERE email = ? AND role = 'dsl'`, hash, dslEmail(i))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fmt.Errorf("%s is not a DSL of the benchmark database", dslEmail(i))
		}
	}
	return nil
}

// page is one kind of page view in the mix, with its share of views.
type page struct {
	name   string
	weight int
}

// parseMix reads -mix: name=share pairs, comma-separated.
func parseMix(s string) ([]page, error) {
	var mix []page
	for _, kv := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(kv, "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 1 || !slices.Contains([]string{"inbox", "concern", "child", "note", "figures"}, name) {
			return nil, fmt.Errorf("-mix: %q is not page=share (inbox, concern, child, note or figures)", kv)
		}
		mix = append(mix, page{name, n})
	}
	return mix, nil
}

// dsl is one signed-in lead with what their inbox links to.
type dsl struct {
	c        *http.Client
	concerns []string
	children []string
}

func run(base, password, ns string, dur time.Duration, mix []page, think time.Duration, stopFile string) error {
	var all []*dsl
	for _, s := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("-n: %q is not a number of DSLs", s)
		}
		for len(all) < n {
			d, err := signIn(base, dslEmail(len(all)+1), password)
			if err != nil {
				return fmt.Errorf("%s: %w", dslEmail(len(all)+1), err)
			}
			all = append(all, d)
		}
		if err := measure(base, all[:n], dur, mix, think, stopFile); err != nil {
			return err
		}
	}
	return nil
}

func measure(base string, dsls []*dsl, dur time.Duration, mix []page, think time.Duration, stopFile string) error {
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	var firstErr error
	start := time.Now()
	stop := start.Add(dur)
	var stopped atomic.Bool
	if stopFile != "" {
		go func() {
			for !stopped.Load() {
				if _, err := os.Stat(stopFile); err == nil {
					stopped.Store(true)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	var wg sync.WaitGroup
	for i, d := range dsls {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			mine := map[string][]time.Duration{}
			for time.Now().Before(stop) && !stopped.Load() {
				p := pick(rng, mix)
				t0 := time.Now()
				if err := d.view(base, p, rng); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("%s: %w", p, err))
					mu.Unlock()
					return
				}
				mine[p] = append(mine[p], time.Since(t0))
				if think > 0 {
					// Spread over 0.5 to 1.5 times the pause, so the
					// leads do not fall into step.
					time.Sleep(think/2 + time.Duration(rng.Int64N(int64(think))))
				}
			}
			mu.Lock()
			for k, v := range mine {
				lat[k] = append(lat[k], v...)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	stopped.Store(true)
	if firstErr != nil {
		return firstErr
	}
	total := 0
	for _, v := range lat {
		total += len(v)
	}
	fmt.Printf("N=%d: %.0f page views a second over %s\n", len(dsls), float64(total)/took.Seconds(), took.Round(100*time.Millisecond))
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, p := range mix {
		v := lat[p.name]
		if len(v) == 0 {
			continue
		}
		slices.Sort(v)
		fmt.Printf("  %-8s p50 %7.1f ms  p99 %7.1f ms  (%d views)\n", p.name, ms(v[len(v)/2]), ms(v[len(v)*99/100]), len(v))
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func pick(rng *rand.Rand, mix []page) string {
	sum := 0
	for _, p := range mix {
		sum += p.weight
	}
	x := rng.IntN(sum)
	for _, p := range mix {
		if x < p.weight {
			return p.name
		}
		x -= p.weight
	}
	return mix[0].name
}

// view makes one page view of the kind, as the DSL's browser would.
func (d *dsl) view(base, kind string, rng *rand.Rand) error {
	var res *http.Response
	var err error
	switch kind {
	case "inbox":
		res, err = d.c.Get(base + "/inbox")
	case "concern":
		res, err = d.c.Get(base + d.concerns[rng.IntN(len(d.concerns))])
	case "child":
		if len(d.children) == 0 {
			res, err = d.c.Get(base + "/inbox")
			break
		}
		res, err = d.c.Get(base + d.children[rng.IntN(len(d.children))])
	case "figures":
		res, err = d.c.Get(base + "/reports")
	case "note":
		// The form posts and is sent on to the concern page; the view is
		// both, as the lead waits for both.
		res, err = d.c.PostForm(base+d.concerns[rng.IntN(len(d.concerns))]+"/notes",
			url.Values{"text": {"Spoke with the child's form tutor; no new concerns today."}})
	}
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %d", res.StatusCode)
	}
	return nil
}

func signIn(base, email, password string) (*dsl, error) {
	c, err := signin.Client(base, email, password, 60*time.Second)
	if err != nil {
		return nil, err
	}
	d := &dsl{c: c}
	inbox, err := get(c, base+"/inbox")
	if err != nil {
		return nil, err
	}
	for _, m := range regexp.MustCompile(`href="(/concerns/\d+)"`).FindAllStringSubmatch(inbox, 20) {
		d.concerns = append(d.concerns, m[1])
	}
	if len(d.concerns) == 0 {
		return nil, errors.New("no concern in the inbox")
	}
	for _, cu := range d.concerns[:min(5, len(d.concerns))] {
		p, err := get(c, base+cu)
		if err != nil {
			return nil, err
		}
		if m := regexp.MustCompile(`href="(/children/\d+)"`).FindStringSubmatch(p); m != nil {
			d.children = append(d.children, m[1])
		}
	}
	return d, nil
}

func get(c *http.Client, u string) (string, error) {
	res, err := c.Get(u)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		signin.Read(res)
		return "", fmt.Errorf("%s answered %d", u, res.StatusCode)
	}
	return signin.Read(res), nil
}
