// Command captureload posts monitoring captures to a running Lifeguard
// server through POST /api/v1/monitor/captures, from a number of
// concurrent clients (devices), and reports captures per second and the
// latency percentiles of the requests. With -rate it sends at that many
// captures a second whatever the answers (open loop, as devices do: they do
// not wait for each other), and measures each request from the moment it
// was due, so a server that falls behind shows it in the percentiles rather
// than slowing the load; without -rate each client sends its next request
// as soon as the last is answered, which measures the most the server takes. Benchmarks only: it sends traffic
// to the address it is given, which bench/captures.sh sets to loopback.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// texts are what pupils type, most of it harmless; two in ten match the
// baseline library (and is stored), as a school's traffic might over a
// day of lessons with a few worrying moments.
var texts = []string{
	"what is the capital of peru",
	"photosynthesis converts light energy into chemical energy stored in glucose",
	"can we meet at the library after school to finish the history project",
	"my essay on the causes of the first world war: alliances, militarism and nationalism",
	"how do you calculate the area of a circle",
	"honestly nobody likes you, just leave the group",
	"the water cycle has four stages: evaporation, condensation, precipitation and collection",
	"minecraft redstone door tutorial",
	"who won the premier league in 2019",
	"i want to kill myself",
}

func uuid() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

type capture struct {
	ID     string `json:"id"`
	Time   string `json:"time"`
	Kind   string `json:"kind"`
	URL    string `json:"url"`
	Device string `json:"device"`
	User   string `json:"user"`
	Text   string `json:"text"`
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the server")
	token := flag.String("token", "", "an API token of a user of role monitor")
	n := flag.Int("n", 10000, "captures to post in all")
	batch := flag.Int("batch", 1, "captures a request")
	clients := flag.Int("c", 16, "concurrent clients")
	rate := flag.Float64("rate", 0, "captures a second to send at, whatever the answers (0: as fast as answered)")
	flag.Parse()
	if *token == "" || *batch < 1 || *batch > 100 {
		fmt.Fprintln(os.Stderr, "captureload: give -token, and -batch from 1 to 100")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next, failed, matched atomic.Int64
	lat := make([][]time.Duration, *clients)
	var wg sync.WaitGroup
	start := time.Now()
	// With a rate, request r is due at start + r*batch/rate; each client
	// takes the next due request, waits for its time, and counts its
	// latency from then.
	var due func(first int64) time.Time
	if *rate > 0 {
		due = func(first int64) time.Time {
			return start.Add(time.Duration(float64(first) / *rate * float64(time.Second)))
		}
	}
	for c := range *clients {
		wg.Go(func() {
			for {
				first := next.Add(int64(*batch)) - int64(*batch)
				if first >= int64(*n) {
					return
				}
				k := min(int64(*batch), int64(*n)-first)
				caps := make([]capture, k)
				for i := range caps {
					j := int(first) + i
					caps[i] = capture{ID: uuid(), Time: time.Now().UTC().Format(time.RFC3339Nano), Kind: "typed",
						URL: "https://docs.example.org/d/" + fmt.Sprint(j%97), Device: fmt.Sprintf("LAPTOP-%03d", c),
						User: "9B", Text: texts[j%len(texts)]}
				}
				body, _ := json.Marshal(map[string]any{"captures": caps})
				req, _ := http.NewRequestWithContext(context.Background(), "POST", *url+"/api/v1/monitor/captures", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				if due != nil {
					t0 = due(first)
					time.Sleep(time.Until(t0))
				}
				res, err := client.Do(req)
				if err != nil {
					failed.Add(k)
					continue
				}
				var rc struct{ Matched int64 }
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || json.Unmarshal(b, &rc) != nil {
					failed.Add(k)
					continue
				}
				matched.Add(rc.Matched)
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		fmt.Println("no capture was accepted")
		os.Exit(1)
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	sentN := int64(*n) - failed.Load()
	mode := "as fast as answered"
	if *rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f a second, latency from when each was due", *rate)
	}
	fmt.Printf("sent %d captures (%d kept) in %d requests of %d in %.2fs with %d clients (%s): %.0f captures per second; "+
		"request p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; failed %d; load average %s\n",
		sentN, matched.Load(), len(all), *batch, elapsed.Seconds(), *clients, mode, float64(sentN)/elapsed.Seconds(),
		ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(all[len(all)-1]), failed.Load(), loadAvg())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
