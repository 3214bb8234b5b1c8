// Command apiload posts concerns to a running Lifeguard server through its
// real HTTP API, from a number of concurrent clients, and reports
// throughput and latency percentiles. Benchmarks only: it sends traffic to
// the address it is given, which bench/api.sh sets to loopback.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The facts of a typical concern: a cyberbullying report with a description
// of ordinary length.
const body = `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":13},"child_role":"victim",` +
	`"parties":{"peer_involved":true},"risk":{"significant_harm":"no"},"details":{"repeated":true,"platform":"a messaging app"},` +
	`"description":"A pupil showed a member of staff messages in a class group chat calling them names and telling them that nobody wants them there. This has happened every evening this week."}`

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the server")
	token := flag.String("token", "", "an API token of a user who reports concerns")
	n := flag.Int("n", 20000, "concerns to post in all")
	clients := flag.Int("c", 16, "concurrent clients")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "apiload: give -token")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next, failed atomic.Int64
	lat := make([][]time.Duration, *clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range *clients {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) {
				req, _ := http.NewRequestWithContext(context.Background(), "POST", *url+"/api/v1/concerns", bytes.NewReader([]byte(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					failed.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		fmt.Println("no concern was created")
		os.Exit(1)
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	fmt.Printf("created %d concerns in %.2fs with %d clients: %.0f per second; p50 %.2f ms, p99 %.2f ms; failed %d\n",
		len(all), elapsed.Seconds(), *clients, float64(len(all))/elapsed.Seconds(),
		float64(pct(0.50).Microseconds())/1000, float64(pct(0.99).Microseconds())/1000, failed.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}
