package lists

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// reference is the obvious implementation Match must agree with.
func reference(listed map[string]uint64, name string) uint64 {
	var mask uint64
	for {
		mask |= listed[name]
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return mask
		}
		name = name[i+1:]
	}
}

func TestMatcherAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	listed := map[string]uint64{}
	b := NewBuilder()
	labels := []string{"a", "b", "example", "ads", "www", "cdn", "x1", "shop"}
	tlds := []string{"com", "org", "co.uk", "example"}
	randomName := func() string {
		parts := make([]string, 1+r.IntN(3))
		for i := range parts {
			parts[i] = labels[r.IntN(len(labels))]
		}
		return strings.Join(parts, ".") + "." + tlds[r.IntN(len(tlds))]
	}
	for range 2000 {
		n := randomName()
		bit := uint64(1) << r.IntN(20)
		listed[n] |= bit
		b.Add(n, bit)
	}
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != len(listed) {
		t.Errorf("Len = %d, want %d", m.Len(), len(listed))
	}
	for range 20000 {
		n := randomName()
		if r.IntN(3) == 0 {
			n = "deep." + n
		}
		if got, want := m.Match(n), reference(listed, n); got != want {
			t.Fatalf("Match(%q) = %b, want %b", n, got, want)
		}
	}
	var want int
	for _, mask := range listed {
		if mask&1 != 0 {
			want++
		}
	}
	if got := m.CountBits()[0]; got != want {
		t.Errorf("Count(1) = %d, want %d", got, want)
	}
}

func TestMatcherEmptyAndNil(t *testing.T) {
	var nilM *Matcher
	if nilM.Match("example.com") != 0 || nilM.Len() != 0 || nilM.Bytes() != 0 {
		t.Error("a nil matcher must match nothing")
	}
	m, err := NewBuilder().Build()
	if err != nil || m.Match("example.com") != 0 {
		t.Errorf("empty matcher: %v", err)
	}
}

func TestMatcherTooManyMasks(t *testing.T) {
	b := NewBuilder()
	// 64 names each in 1, 2 … of 17 lists: more than 65535 distinct masks
	// would need 2^16 names; build exactly that many combinations.
	for i := range 1 << 16 {
		b.Add(fmt.Sprintf("n%d.example", i), uint64(i)+1)
	}
	if _, err := b.Build(); err != ErrTooManyMasks {
		t.Fatalf("err = %v, want ErrTooManyMasks", err)
	}
}

func TestMatcherConcurrent(t *testing.T) {
	b := NewBuilder()
	b.Add("example.com", 1)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				if m.Match("a.example.com") != 1 {
					t.Error("lost a match")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestMatchDoesNotAllocate(t *testing.T) {
	b := NewBuilder()
	b.Add("example.com", 1)
	m, _ := b.Build()
	if n := testing.AllocsPerRun(100, func() { m.Match("www.a.example.com") }); n != 0 {
		t.Errorf("Match allocates %v times", n)
	}
}

// writeGenerated writes n made-up names, one a line, to a file and returns
// its path and a sample of the names.
func writeGenerated(tb testing.TB, dir string, n int) (string, []string) {
	tb.Helper()
	path := filepath.Join(dir, "generated.txt")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(7, 11))
	tlds := []string{"com", "net", "org", "info", "xyz", "co.uk", "de", "ru", "top", "online"}
	var sample []string
	var buf []byte
	for i := range n {
		buf = buf[:0]
		if r.IntN(4) == 0 {
			buf = append(buf, "www."...)
		}
		for range 6 + r.IntN(12) {
			buf = append(buf, byte('a'+r.IntN(26)))
		}
		buf = fmt.Appendf(buf, "%d.%s\n", i, tlds[r.IntN(len(tlds))])
		w.Write(buf)
		if i%1000 == 0 {
			sample = append(sample, string(buf[:len(buf)-1]))
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, sample
}

func loadFile(tb testing.TB, b *Builder, path string, mask uint64) {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	keys, _, _, err := b.ReadKeys(f, path)
	if err != nil {
		tb.Fatal(err)
	}
	b.AddKeys(mask, keys)
}

// BenchmarkLoad1500k reads and indexes 1.5 million generated names from one
// file (the policy package measures the same with the UT1 files in several
// categories), and reports the matcher's bytes a name.
func BenchmarkLoad1500k(b *testing.B) {
	path, _ := writeGenerated(b, b.TempDir(), 1_500_000)
	var m *Matcher
	cpu0 := cpuTime()
	for b.Loop() {
		bl := NewBuilder()
		loadFile(b, bl, path, 1)
		var err error
		if m, err = bl.Build(); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time (all threads, GC included) is steadier than wall time on a
	// shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(m.Bytes())/float64(m.Len()), "table-bytes/name")
	// The heap the matcher keeps alive, measured after collections.
	m = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	bl := NewBuilder()
	loadFile(b, bl, path, 1)
	m, _ = bl.Build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(m.Len()), "heap-bytes/name")
	runtime.KeepAlive(m)
}

func BenchmarkMatch1500k(b *testing.B) {
	path, sample := writeGenerated(b, b.TempDir(), 1_500_000)
	bl := NewBuilder()
	loadFile(b, bl, path, 1)
	m, err := bl.Build()
	if err != nil {
		b.Fatal(err)
	}
	// Half listed (as subdomains of listed names), half not listed.
	var queries []string
	for i, s := range sample {
		queries = append(queries, "img.cdn."+s, fmt.Sprintf("www.unlisted%d.example.com", i))
	}
	i := 0
	hits := 0
	for b.Loop() {
		if m.Match(queries[i%len(queries)]) != 0 {
			hits++
		}
		i++
	}
	if hits == 0 {
		b.Fatal("no hits")
	}
}

// cpuTime returns the CPU time the process has used, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
