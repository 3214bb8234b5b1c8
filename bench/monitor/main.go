// Command monitor measures the text monitor's speed at 10,000 library
// entries, per core, side by side in one run with GNU grep -F -f over the
// same phrases and the same text:
//
//   - build: time and memory to load and compile the library;
//   - matcher alone: the automaton over text already normalised;
//   - normaliser alone, per text with its buffers reused, as Scan runs it
//     (stepping an automaton of no patterns, where Scan steps the library's);
//   - pipeline: Library.Scan per text (normalise, match, rules, offsets);
//   - grep -F -f over the raw phrases and raw text (count of matching lines,
//     and -o for every match), and over the normalised phrases and text.
//
// Run it with:
//
//	go run ./bench/monitor -data ../shared/data/monitor-eval -repeat 8
//
// The texts are the evaluation data's (tweets and Reddit posts), repeated;
// without them it writes a corpus from a word list. Figures go to
// bench/README.md.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/monitor"
)

func main() {
	data := flag.String("data", "../shared/data/monitor-eval", "directory of JSON Lines texts (davidson.jsonl, cssrs.jsonl)")
	repeat := flag.Int("repeat", 8, "times the corpus is repeated")
	entries := flag.Int("entries", 10000, "library entries")
	runs := flag.Int("runs", 3, "timed runs of each measure; the best is kept")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the pipeline runs to `FILE`")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "monitor bench:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "monitor bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*data, *repeat, *entries, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "monitor bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(dataDir string, repeat, nEntries, runs int) error {
	runtime.GOMAXPROCS(1) // per core: one thread of Go code, like grep
	tmp, err := os.MkdirTemp("", "monitor-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	texts, source := corpus(dataDir)
	var all []string
	for range repeat {
		all = append(all, texts...)
	}
	var raw bytes.Buffer
	for _, t := range all {
		raw.WriteString(strings.ReplaceAll(t, "\n", " "))
		raw.WriteByte('\n')
	}
	size := raw.Len()

	libText, phrases := library(nEntries)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	lib, err := monitor.Load(strings.NewReader(libText), "bench.lib")
	if err != nil {
		return err
	}
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := lib.Stats()
	fmt.Printf("corpus: %s, %d texts, %.1f MB\n", source, len(all), mb(size))
	fmt.Printf("library: %d entries (%d patterns with exceptions and cues), %d states, %d byte classes\n",
		st.Entries, st.Patterns, st.States, st.Classes)
	fmt.Printf("build: %s (load, validate, normalise and compile); automaton tables %.1f MB; heap held by the library %.1f MB\n\n",
		build.Round(time.Millisecond), mb(st.Bytes), mb(int(after.HeapAlloc)-int(before.HeapAlloc)))

	norm := monitor.NormalForm(raw.String())
	fmt.Printf("| what (one core) | CPU time | MB/s of raw text | note |\n| --- | --- | --- | --- |\n")

	var count int
	d := best(runs, func(*time.Duration) { count = lib.CountNormalised(norm) })
	fmt.Printf("| matcher alone (automaton over normalised text) | %s | %.0f | %d pattern hits; %.0f MB/s of the %.1f MB normalised text |\n",
		d.Round(time.Millisecond), mb(size)/d.Seconds(), count, mb(len(norm))/d.Seconds(), mb(len(norm)))

	var nz monitor.Normaliser
	d = best(runs, func(*time.Duration) {
		for _, t := range all {
			_ = nz.Form(t)
		}
	})
	fmt.Printf("| normalise alone, per text | %s | %.0f | |\n", d.Round(time.Millisecond), mb(size)/d.Seconds())

	var matches int
	debug.SetGCPercent(400)
	d = best(runs, func(*time.Duration) {
		matches = 0
		for _, t := range all {
			matches += len(lib.Scan(t, ""))
		}
	})
	debug.SetGCPercent(100)
	fmt.Printf("| whole pipeline: Scan per text (normalise, match, rules, offsets) | %s | %.0f | %d matches |\n",
		d.Round(time.Millisecond), mb(size)/d.Seconds(), matches)

	// grep over the same phrases and text.
	grepBin, err := exec.LookPath("grep")
	if err != nil {
		fmt.Println("\ngrep not found: no comparison")
		return nil
	}
	ver, _ := exec.Command(grepBin, "--version").Output()
	rawText := filepath.Join(tmp, "corpus.txt")
	rawPhr := filepath.Join(tmp, "phrases.txt")
	normText := filepath.Join(tmp, "corpus.norm")
	normPhr := filepath.Join(tmp, "phrases.norm")
	var np bytes.Buffer
	for _, p := range phrases {
		np.WriteString(monitor.Normalise(p))
		np.WriteByte('\n')
	}
	for path, b := range map[string][]byte{
		rawText: raw.Bytes(), rawPhr: []byte(strings.Join(phrases, "\n") + "\n"),
		normText: bytes.ReplaceAll(norm, []byte("\n"), []byte(" ")), normPhr: np.Bytes(),
	} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return err
		}
	}
	for _, g := range []struct {
		what string
		args []string
		text string
	}{
		{"grep -F -c -f (raw phrases, raw text; stops at a line's first match)", []string{"-F", "-c", "-f", rawPhr, rawText}, rawText},
		{"grep -F -i -c -f (raw, ignoring case as the monitor does)", []string{"-F", "-i", "-c", "-f", rawPhr, rawText}, rawText},
		{"grep -F -o -f (raw; every match, as the monitor finds)", []string{"-F", "-o", "-f", rawPhr, rawText}, rawText},
		{"grep -F -o -f (normalised phrases over normalised text: the matcher's own work)", []string{"-F", "-o", "-f", normPhr, normText}, normText},
	} {
		var out []byte
		d := best(runs, func(child *time.Duration) {
			cmd := exec.Command(grepBin, g.args...)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, _ = cmd.Output()
			*child = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		})
		n, unit := bytes.Count(out, []byte("\n")), "matches"
		if slices.Contains(g.args, "-c") {
			n, unit = atoi(strings.TrimSpace(string(out))), "lines"
		}
		fmt.Printf("| %s | %s | %.0f | %d %s |\n", g.what, d.Round(time.Millisecond), mb(size)/d.Seconds(), n, unit)
	}
	fmt.Printf("\n%s (LC_ALL=C); Go %s, GOMAXPROCS=1; CPU time (user+system), best of %d runs; load average %s\n",
		firstLine(ver), runtime.Version(), runs, loadAvg())
	return nil
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}

// best runs f runs times and returns the shortest CPU time it took (user
// and system, of this process, or of the child when f sets *child), which
// on a busy shared machine measures the work better than the wall clock.
func best(runs int, f func(child *time.Duration)) time.Duration {
	var b time.Duration
	for i := range runs {
		var child time.Duration
		before := cpuTime()
		f(&child)
		d := cpuTime() - before
		if child > 0 {
			d = child
		}
		if i == 0 || d < b {
			b = d
		}
	}
	return b
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mb(n int) float64 { return float64(n) / 1e6 }

// corpus returns the texts of the evaluation data, or a generated corpus.
func corpus(dir string) ([]string, string) {
	var texts []string
	for _, name := range []string{"davidson.jsonl", "cssrs.jsonl"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
		for sc.Scan() {
			var r struct{ Text string }
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				texts = append(texts, r.Text)
			}
		}
		f.Close()
	}
	if len(texts) > 0 {
		return texts, "evaluation texts from " + dir
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 5 + r.IntN(40) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		texts = append(texts, b.String())
	}
	return texts, "generated from a word list"
}

// library returns a library of n entries: the baseline's phrases, then
// generated two- and three-word phrases of everyday words (which, like most
// of a real library, seldom match), and the raw phrases for grep.
func library(n int) (string, []string) {
	base, err := monitor.Baseline()
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	var phrases []string
	seen := map[string]bool{}
	add := func(id, cat string, sev int, mode, phrase string, except []string) {
		fmt.Fprintf(&b, "entry %s category=%s severity=%d mode=%s phrase=%q", id, cat, sev, mode, phrase)
		for _, x := range except {
			fmt.Fprintf(&b, " except=%q", x)
		}
		b.WriteByte('\n')
		phrases = append(phrases, phrase)
		seen[monitor.Normalise(phrase)] = true
	}
	for _, f := range base.Frames() {
		pos := ""
		if f.After {
			pos = " position=after"
		}
		eff := "cancel"
		if !f.Cancel {
			eff = fmt.Sprintf("lower-%d", f.Lower)
		}
		fmt.Fprintf(&b, "frame %s kind=%s cue=%q window=%d effect=%s%s\n", f.ID, f.Kind, f.Cue, f.Window, eff, pos)
	}
	for _, e := range base.Entries() {
		if len(phrases) == n {
			break
		}
		add(e.ID, string(e.Category), e.Severity, string(e.Mode), e.Phrase, e.Exceptions)
	}
	r := rand.New(rand.NewPCG(3, 4))
	cats := monitor.Categories()[1:]
	for i := 0; len(phrases) < n; i++ {
		k := 2 + r.IntN(2)
		var ws []string
		for range k {
			ws = append(ws, words[r.IntN(len(words))])
		}
		p := strings.Join(ws, " ")
		if seen[monitor.Normalise(p)] {
			continue
		}
		add(fmt.Sprintf("gen-%d", i), string(cats[r.IntN(len(cats))]), 1+r.IntN(5), "word", p, nil)
	}
	return b.String(), phrases
}

// words are everyday English words for generated phrases and texts.
var words = strings.Fields(`the a to and of in is you that it for on my with be this have not are but
at was so me just like can do what all your if we up out get about now one no time how when there
know they people want go good think see love day more some will really back would make today new
friend school home night feel need still got going way much last work life never thing right said
better year come even first after lol phone game play house class teacher mum dad sister brother
money food water car bus train park street town shop box bag book page paper word name face hand
head eye heart body blood bone skin hair door window room bed wall floor table chair light fire
dark cold hot red blue green black white big small long short old young happy sad angry tired
sick hurt pain fear hope help call text send message photo video picture camera chat group
party music song dance film show news story secret truth lie fight break run walk jump fall sleep
wake dream eat drink smoke drug pill bottle glass cup knife gun rope bridge roof train track
river sea sky sun moon star rain snow wind tree flower grass dog cat bird fish horse`)

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
