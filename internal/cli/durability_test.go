package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildLifeguard builds the binary once for tests that need a real process.
func buildLifeguard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lifeguard")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/lifeguard")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess starts the binary's server and returns its URL.
func startProcess(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	found := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return cmd, url
	case <-time.After(5 * time.Minute):
		t.Fatal("the server did not start within five minutes")
	}
	return nil, ""
}

// TestKill9KeepsAcknowledgedConcerns posts concerns from 16 clients, kills
// the server with SIGKILL in the middle, restarts it, and finds every concern
// that was answered 201 intact, and the journal's chain whole.
func TestKill9KeepsAcknowledgedConcerns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server process")
	}
	bin := buildLifeguard(t)
	dir := filepath.Join(t.TempDir(), "data")
	proc, url := startProcess(t, bin, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase", "--data", dir)
	code, token, stderr := run(t, "", "token", "create", "--data", dir, "--email", "staff@demo.test")
	if code != 0 {
		t.Fatalf("token: %s", stderr)
	}
	token = strings.TrimSpace(token)

	var mu sync.Mutex
	acked := map[int64]string{} // id -> description
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for c := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				desc := fmt.Sprintf("durability client %d concern %d", c, i)
				body := fmt.Sprintf(`{"setting":"school","concern_types":["cyberbullying"],"child":{"age":12},"child_role":"victim","description":%q}`, desc)
				req, _ := http.NewRequest("POST", url+"/api/v1/concerns", bytes.NewReader([]byte(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var got struct{ ID int64 }
				json.NewDecoder(res.Body).Decode(&got)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated && got.ID > 0 {
					mu.Lock()
					acked[got.ID] = desc
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(2 * time.Second)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no concern was acknowledged before the kill")
	}

	proc2, url2 := startProcess(t, bin, "--data", dir)
	for id, desc := range acked {
		code, body := get(t, fmt.Sprintf("%s/api/v1/concerns/%d", url2, id), token)
		if code != 200 || !strings.Contains(body, desc) {
			t.Errorf("acknowledged concern %d is missing or changed after the kill: %d %.200s", id, code, body)
		}
	}
	proc2.Process.Signal(syscall.SIGTERM)
	proc2.Wait()
	code, out, _ := run(t, "", "journal", "verify", "--data", dir)
	if code != 0 {
		t.Errorf("journal after the kill: %s", out)
	}
	t.Logf("%d concerns acknowledged before SIGKILL, all found after restart; %s", len(acked), strings.TrimSpace(out))
	if _, err := os.Stat(dbFile(dir)); err != nil {
		t.Fatal(err)
	}
}
