// Command monitor-eval measures the text monitor on labelled public data
// (../shared/data/monitor-eval, see its README) through the command anyone
// can run on their own data, lifeguard monitor scan: precision, recall and F1
// per category, and the severity it assigns against the clinicians' grade,
// beside a plain profanity word list run through the same command.
//
//	go build -o /tmp/lifeguard ./cmd/lifeguard
//	go run ./bench/monitor-eval -lifeguard /tmp/lifeguard
//	go run ./bench/monitor-eval -lifeguard /tmp/lifeguard FILE...
//
// With no FILE it reads davidson.jsonl and cssrs.jsonl from -data. Given
// files (any names, such as the held-back half), it reads those instead and
// sorts each record by its category: hate, offensive_not_hate and neither
// are scored as hate speech, self_harm_suicide as graded risk; a kind with no
// records is left out of the report.
//
// The figures and what the errors were like are in bench/README.md. With
// -errors N it prints up to N ids of each kind of error, for reading the
// texts (never their content: the data holds abuse and accounts of
// self-harm).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// record is one labelled text of the evaluation data.
type record struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Label    string `json:"label"`
	Category string `json:"category"`
	Severity *int   `json:"severity"`
}

// result is one line of monitor scan's output.
type result struct {
	ID      string `json:"id"`
	Matches []struct {
		Category string `json:"category"`
		Severity int    `json:"severity"`
		Entry    string `json:"entry"`
		Rule     string `json:"rule"`
	} `json:"matches"`
}

func main() {
	data := flag.String("data", "../shared/data/monitor-eval", "the evaluation data directory")
	bin := flag.String("lifeguard", "lifeguard", "the lifeguard binary to run")
	errs := flag.Int("errors", 0, "print up to N ids of each kind of error")
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		files = []string{filepath.Join(*data, "davidson.jsonl"), filepath.Join(*data, "cssrs.jsonl")}
	}
	here := "bench/monitor-eval"
	if _, err := os.Stat(filepath.Join(here, "profanity.txt")); err != nil {
		here = "."
	}
	if err := run(files, *bin, filepath.Join(here, "profanity.txt"), *errs, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "monitor-eval:", err)
		os.Exit(1)
	}
}

// system is a way of running the monitor: its scan arguments.
type system struct {
	name string
	args []string
}

func run(files []string, bin, profanity string, nerr int, w io.Writer) error {
	systems := []system{
		{"Lifeguard baseline library", []string{"monitor", "scan"}},
		{"plain profanity word list", []string{"monitor", "scan", "--no-baseline", "--list", profanity, "--list-category", "bullying", "--list-severity", "1"}},
	}
	var dav, cs []record
	for _, f := range files {
		d, c, err := readRecords(f)
		if err != nil {
			return err
		}
		dav, cs = append(dav, d...), append(cs, c...)
	}
	if len(dav)+len(cs) == 0 {
		return fmt.Errorf("no labelled records in %s", strings.Join(files, ", "))
	}
	fmt.Fprintf(w, "data: %s (hate speech %d texts, graded risk %d users)\n\n", strings.Join(files, ", "), len(dav), len(cs))
	for _, s := range systems {
		dres, err := scan(bin, s.args, dav)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		cres, err := scan(bin, s.args, cs)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if s.name == systems[0].name {
			fmt.Fprintf(w, "## %s\n\n", s.name)
			report(w, nerr, dav, dres, cs, cres, []string{"discrimination"}, []string{"suicide", "self_harm"})
			if len(dav) > 0 {
				fmt.Fprintf(w, "### Davidson with extremism counted as hate too\n\n")
				hateTable(w, dav, dres, []string{"discrimination", "extremism"}, []int{1})
				fmt.Fprintln(w)
			}
		} else {
			fmt.Fprintf(w, "## %s (any word counts as an alert, for every category)\n\n", s.name)
			report(w, nerr, dav, dres, cs, cres, nil, nil)
		}
	}
	return nil
}

// readRecords reads a labelled JSON Lines file and sorts its records by
// category: hate speech (hate, offensive_not_hate, neither) and graded risk
// (self_harm_suicide, with a severity of 0 or 2-5). A record it cannot
// score stops it with the file, line and field.
func readRecords(path string) (hate, risk []record, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if problem := r.check(); problem != "" {
			return nil, nil, fmt.Errorf("%s:%d: %s", path, line, problem)
		}
		if r.Category == "self_harm_suicide" {
			risk = append(risk, r)
		} else {
			hate = append(hate, r)
		}
	}
	return hate, risk, sc.Err()
}

// check names what keeps r from being scored, or returns "".
func (r record) check() string {
	switch {
	case r.ID == "":
		return "id is missing"
	case r.Label != "positive" && r.Label != "negative":
		return fmt.Sprintf("label %q: must be positive or negative", r.Label)
	}
	switch r.Category {
	case "hate", "offensive_not_hate", "neither":
		return ""
	case "self_harm_suicide":
		if r.Severity == nil || *r.Severity < 0 || *r.Severity > 5 {
			return "severity: a self_harm_suicide record needs its grade, 0 to 5"
		}
		return ""
	}
	return fmt.Sprintf("category %q: must be hate, offensive_not_hate, neither or self_harm_suicide", r.Category)
}

// scan runs lifeguard monitor scan over the records and returns its results
// by id.
func scan(bin string, args []string, recs []record) (map[string]result, error) {
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, r := range recs {
		if err := enc.Encode(map[string]string{"id": r.ID, "text": r.Text}); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = &in
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, stderr.String())
	}
	res := map[string]result{}
	dec := json.NewDecoder(&out)
	for {
		var r result
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		res[r.ID] = r
	}
	if len(res) != len(recs) {
		return nil, fmt.Errorf("%d results for %d texts", len(res), len(recs))
	}
	return res, nil
}

// grade is the highest severity of r's matches in cats (every category when
// cats is nil), 0 when none.
func grade(r result, cats []string) int {
	g := 0
	for _, m := range r.Matches {
		if cats == nil || contains(cats, m.Category) {
			g = max(g, m.Severity)
		}
	}
	return g
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func report(w io.Writer, nerr int, dav []record, dres map[string]result, cs []record, cres map[string]result, hateCats, riskCats []string) {
	if len(dav) > 0 {
		reportHate(w, nerr, dav, dres, hateCats)
	}
	if len(cs) > 0 {
		reportRisk(w, nerr, cs, cres, riskCats)
	}
}

func reportHate(w io.Writer, nerr int, dav []record, dres map[string]result, hateCats []string) {
	label := "any match"
	if hateCats != nil {
		label = strings.Join(hateCats, " or ")
	}
	fmt.Fprintf(w, "### Davidson: hate speech (alert = %s)\n\n", label)
	ths := []int{1, 2, 3, 4}
	if hateCats == nil {
		ths = ths[:1]
	}
	hateTable(w, dav, dres, hateCats, ths)
	fmt.Fprintln(w)
	if hateCats != nil {
		// What fires on the hard negatives, by category.
		byCat := map[string]int{}
		for _, r := range dav {
			if r.Category != "offensive_not_hate" {
				continue
			}
			seen := map[string]bool{}
			for _, m := range dres[r.ID].Matches {
				if !seen[m.Category] {
					byCat[m.Category]++
					seen[m.Category] = true
				}
			}
		}
		fmt.Fprintf(w, "Offensive-not-hate tweets with a match, by category: %s\n\n", countList(byCat))
		printErrors(w, nerr, "davidson false negatives (hate, no alert)", dav, func(r record) bool {
			return r.Label == "positive" && grade(dres[r.ID], hateCats) == 0
		}, dres)
		printErrors(w, nerr, "davidson false positives (not hate, alert)", dav, func(r record) bool {
			return r.Label != "positive" && grade(dres[r.ID], hateCats) > 0
		}, dres)
	}
}

func reportRisk(w io.Writer, nerr int, cs []record, cres map[string]result, riskCats []string) {
	label := "any match"
	if riskCats != nil {
		label = strings.Join(riskCats, " or ")
	}
	fmt.Fprintf(w, "### C-SSRS: suicide and self-harm risk (alert = %s)\n\n", label)
	fmt.Fprintln(w, "| alert when severity ≥ | positive when grade ≥ | precision | recall | F1 |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	var gold, pred []float64
	for _, r := range cs {
		gold = append(gold, float64(*r.Severity))
		pred = append(pred, float64(grade(cres[r.ID], riskCats)))
	}
	for _, t := range [][2]int{{1, 2}, {2, 2}, {3, 3}, {4, 4}} {
		var c confusion
		for i := range cs {
			c.add(pred[i] >= float64(t[0]), gold[i] >= float64(t[1]))
		}
		fmt.Fprintf(w, "| %d | %d (%s) | %.3f | %.3f | %.3f |\n", t[0], t[1], map[int]string{2: "indicator or above", 3: "ideation or above", 4: "behaviour or attempt"}[t[1]], c.precision(), c.recall(), c.f1())
		if riskCats == nil {
			break
		}
	}
	if riskCats == nil {
		var c confusion
		for i := range cs {
			c.add(true, gold[i] >= 2)
		}
		fmt.Fprintf(w, "| (always alert, for the base rate) | 2 | %.3f | %.3f | %.3f |\n", c.precision(), c.recall(), c.f1())
	}
	fmt.Fprintf(w, "\nSeverity against the clinicians' grade: Spearman ρ = %.3f; mean absolute error %.2f grades; %s\n\n",
		spearman(pred, gold), mae(pred, gold), gradeTable(pred, gold))
	if riskCats != nil {
		printErrors(w, nerr, "cssrs false negatives (grade ≥ 2, no alert)", cs, func(r record) bool {
			return *r.Severity >= 2 && grade(cres[r.ID], riskCats) == 0
		}, cres)
		printErrors(w, nerr, "cssrs false positives (supportive, alert)", cs, func(r record) bool {
			return *r.Severity == 0 && grade(cres[r.ID], riskCats) > 0
		}, cres)
	}
}

// gradeTable says how many users of each clinician grade got each assigned
// severity.
func gradeTable(pred, gold []float64) string {
	t := map[[2]int]int{}
	for i := range pred {
		t[[2]int{int(gold[i]), int(pred[i])}]++
	}
	var parts []string
	for _, g := range []int{0, 2, 3, 4, 5} {
		var row []string
		for p := 0; p <= 5; p++ {
			row = append(row, fmt.Sprint(t[[2]int{g, p}]))
		}
		parts = append(parts, fmt.Sprintf("grade %d → assigned 0–5: %s", g, strings.Join(row, "/")))
	}
	return "\n\n" + strings.Join(parts, "\n\n")
}

func printErrors(w io.Writer, n int, what string, recs []record, is func(record) bool, res map[string]result) {
	if n == 0 {
		return
	}
	var ids []string
	entries := map[string]int{}
	for _, r := range recs {
		if is(r) {
			ids = append(ids, r.ID)
			for _, m := range res[r.ID].Matches {
				entries[m.Entry]++
			}
		}
	}
	shown := ids
	if len(shown) > n {
		shown = shown[:n]
	}
	fmt.Fprintf(w, "%s: %d, e.g. %s\n", what, len(ids), strings.Join(shown, " "))
	if len(entries) > 0 {
		fmt.Fprintf(w, "  entries involved: %s\n", countList(entries))
	}
	fmt.Fprintln(w)
}

func countList(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var s []kv
	for k, v := range m {
		s = append(s, kv{k, v})
	}
	sort.Slice(s, func(i, j int) bool { return s[i].v > s[j].v || s[i].v == s[j].v && s[i].k < s[j].k })
	var parts []string
	for i, x := range s {
		if i == 25 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", x.k, x.v))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// hateTable prints precision, recall and F1 of hate alerts (a match in cats,
// or any match when cats is nil) at each severity threshold, with how often
// they fire on the two kinds of negatives.
func hateTable(w io.Writer, dav []record, dres map[string]result, cats []string, ths []int) {
	fmt.Fprintln(w, "| alert when severity ≥ | precision | recall | F1 | alerts on offensive-not-hate | alerts on neither |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, th := range ths {
		var c confusion
		var offAlerts, offN, neiAlerts, neiN int
		for _, r := range dav {
			alert := grade(dres[r.ID], cats) >= th
			c.add(alert, r.Label == "positive")
			switch r.Category {
			case "offensive_not_hate":
				offN++
				if alert {
					offAlerts++
				}
			case "neither":
				neiN++
				if alert {
					neiAlerts++
				}
			}
		}
		fmt.Fprintf(w, "| %d | %.3f | %.3f | %.3f | %.1f %% | %.1f %% |\n", th, c.precision(), c.recall(), c.f1(),
			pct(offAlerts, offN), pct(neiAlerts, neiN))
	}
}
