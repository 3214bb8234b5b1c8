package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// postConcerns posts concerns to each server from clients goroutines per
// server until stop closes, and returns the ids answered 201.
func postConcerns(t *testing.T, urls []string, token string, clients int, stop <-chan struct{}) (func() map[int64]string, *atomic.Int64) {
	var mu sync.Mutex
	acked := map[int64]string{}
	var failed atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 20 * time.Second}
	for s, url := range urls {
		for c := range clients {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					desc := fmt.Sprintf("server %d client %d concern %d", s, c, i)
					body := fmt.Sprintf(`{"setting":"school","concern_types":["cyberbullying"],"child":{"age":12},"child_role":"victim","description":%q}`, desc)
					req, _ := http.NewRequest("POST", url+"/api/v1/concerns", bytes.NewReader([]byte(body)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := client.Do(req)
					if err != nil {
						failed.Add(1)
						time.Sleep(50 * time.Millisecond)
						continue
					}
					var got struct{ ID int64 }
					json.NewDecoder(res.Body).Decode(&got)
					res.Body.Close()
					if res.StatusCode == http.StatusCreated && got.ID > 0 {
						mu.Lock()
						acked[got.ID] = desc
						mu.Unlock()
					} else {
						failed.Add(1)
					}
				}
			})
		}
	}
	return func() map[int64]string { wg.Wait(); return acked }, &failed
}

// TestTwoServersKeepOneJournal runs two Lifeguard server processes over one
// PostgreSQL database, as two servers behind a load balancer would, posts
// concerns to both at once, and checks that every acknowledged concern is
// there and the journal is one whole chain.
func TestTwoServersKeepOneJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two server processes")
	}
	db := pgtest.Database(t)
	bin := buildLifeguard(t)
	a, urlA := startProcess(t, bin, "--database", db, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase")
	b, urlB := startProcess(t, bin, "--database", db)
	code, token, stderr := run(t, "", "token", "create", "--database", db, "--email", "staff@demo.test")
	if code != 0 {
		t.Fatalf("token: %s", stderr)
	}
	token = strings.TrimSpace(token)

	stop := make(chan struct{})
	wait, failed := postConcerns(t, []string{urlA, urlB}, token, 8, stop)
	time.Sleep(3 * time.Second)
	close(stop)
	acked := wait()
	if len(acked) == 0 || failed.Load() > 0 {
		t.Fatalf("%d concerns acknowledged, %d failed: both servers must take every write", len(acked), failed.Load())
	}
	for id, desc := range acked {
		url := urlA
		if id%2 == 0 {
			url = urlB // read half of them through the other server
		}
		if code, body := get(t, fmt.Sprintf("%s/api/v1/concerns/%d", url, id), token); code != 200 || !strings.Contains(body, desc) {
			t.Fatalf("acknowledged concern %d: %d %.200s", id, code, body)
		}
	}
	a.Process.Signal(syscall.SIGTERM)
	b.Process.Signal(syscall.SIGTERM)
	a.Wait()
	b.Wait()
	code, out, _ := run(t, "", "journal", "verify", "--database", db)
	if code != 0 || !strings.Contains(out, "whole") {
		t.Fatalf("journal after two servers wrote at once: %s", out)
	}
	t.Logf("two servers: %d concerns acknowledged, all readable from either; %s", len(acked), strings.TrimSpace(out))
}
