// Command captureload posts monitoring captures to a running Lifeguard
// server through POST /api/v1/monitor/captures, from a number of
// concurrent clients (devices), and reports captures per second and the
// latency percentiles of the requests. Benchmarks only: it sends traffic
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
	fmt.Printf("sent %d captures (%d kept) in %d requests of %d in %.2fs with %d clients: %.0f captures per second; "+
		"request p50 %.2f ms, p99 %.2f ms; failed %d\n",
		sentN, matched.Load(), len(all), *batch, elapsed.Seconds(), *clients, float64(sentN)/elapsed.Seconds(),
		float64(pct(0.50).Microseconds())/1000, float64(pct(0.99).Microseconds())/1000, failed.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}
