package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lifeguard-scp/lifeguard/internal/monitor"
)

// maxScanLine bounds one JSON line of monitor scan's input: a typed text or
// a long post is far smaller.
const maxScanLine = 1 << 20

// listFlags collects repeated --library and --list flags in order.
type listFlags []string

func (l *listFlags) String() string     { return strings.Join(*l, ",") }
func (l *listFlags) Set(s string) error { *l = append(*l, s); return nil }

func (e *env) monitor(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("monitor needs a subcommand: scan or check")
	}
	switch args[0] {
	case "scan":
		return e.monitorScan(ctx, args[1:])
	case "check":
		return e.monitorCheck(args[1:])
	}
	return usageError("unknown monitor subcommand %q: use scan or check", args[0])
}

// monitorLibraryFlags adds the flags that choose the library and returns a
// function building it after parsing.
func monitorLibraryFlags(c *command) func() (*monitor.Library, error) {
	var locals, lists listFlags
	c.Var(&locals, "library", "a local library `FILE` merged onto the baseline (repeatable)")
	c.Var(&lists, "list", "a plain keyword list `FILE`, one phrase a line, such as an operator's licensed illegal-content list (repeatable)")
	listCat := c.String("list-category", string(monitor.Illegal), "the category of --list phrases")
	listSev := c.Int("list-severity", 5, "the severity of --list phrases, 1 to 5")
	noBase := c.Bool("no-baseline", false, "use only the --library and --list files, not the shipped baseline")
	return func() (*monitor.Library, error) {
		var lib *monitor.Library
		if !*noBase {
			b, err := monitor.Baseline()
			if err != nil {
				return nil, fmt.Errorf("the baseline library: %w", err)
			}
			lib = b
		}
		merge := func(next *monitor.Library) error {
			if lib == nil {
				lib = next
				return nil
			}
			m, err := lib.Merge(next)
			if err != nil {
				return usageError("%v", err)
			}
			lib = m
			return nil
		}
		for _, path := range locals {
			l, err := loadFile(path, func(r io.Reader) (*monitor.Library, error) { return monitor.Load(r, path) })
			if err != nil {
				return nil, err
			}
			if err := merge(l); err != nil {
				return nil, err
			}
		}
		for i, path := range lists {
			o := monitor.ListOptions{Category: monitor.Category(*listCat), Severity: *listSev, Prefix: fmt.Sprintf("list%d", i+1)}
			l, err := loadFile(path, func(r io.Reader) (*monitor.Library, error) { return monitor.LoadList(r, path, o) })
			if err != nil {
				return nil, err
			}
			if err := merge(l); err != nil {
				return nil, err
			}
		}
		if lib == nil {
			return nil, usageError("--no-baseline needs at least one --library or --list file")
		}
		return lib, nil
	}
}

func loadFile(path string, load func(io.Reader) (*monitor.Library, error)) (*monitor.Library, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := load(f)
	var le *monitor.LoadError
	if errors.As(err, &le) {
		return nil, usageError("%v", err)
	}
	return l, err
}

func (e *env) monitorCheck(args []string) error {
	c := e.command("monitor check", "monitor check [--library FILE]... [--list FILE]... ")
	build := monitorLibraryFlags(c)
	if err := c.parseArgs(args, 0, "monitor check takes no arguments: name the files with --library or --list"); err != nil {
		return err
	}
	lib, err := build()
	if err != nil {
		return err
	}
	s := lib.Stats()
	fmt.Fprintf(e.stdout, "%s: %d entries, %d patterns, %d states, %d KiB, built in %s\n",
		lib.Name(), s.Entries, s.Patterns, s.States, s.Bytes/1024, s.BuildTime.Round(1000))
	return nil
}

// scanInput is one line of monitor scan's input; other fields are ignored.
type scanInput struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

type scanOutput struct {
	ID      json.RawMessage `json:"id"`
	Matches []monitor.Match `json:"matches"`
}

func (e *env) monitorScan(ctx context.Context, args []string) error {
	c := e.command("monitor scan", "monitor scan [--library FILE]... [--list FILE]... [FILE|-]")
	build := monitorLibraryFlags(c)
	if err := c.parse(args); err != nil {
		return err
	}
	if c.NArg() > 1 {
		return usageError("monitor scan reads one file: give one FILE, or - (or nothing) for standard input")
	}
	lib, err := build()
	if err != nil {
		return err
	}
	in, name := e.stdin, "standard input"
	if path := c.Arg(0); path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, path
	}
	r := bufio.NewReaderSize(in, 64*1024)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := readLine(r, maxScanLine)
		if errors.Is(err, io.EOF) && len(data) == 0 {
			return nil
		}
		if errors.Is(err, errLineTooLong) {
			w.Flush()
			return usageError("%s:%d: the line is longer than %d bytes", name, line, maxScanLine)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		var inp scanInput
		if err := json.Unmarshal(data, &inp); err != nil {
			w.Flush()
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return usageError("%s:%d: %s must be a string, not a JSON %s", name, line, te.Field, te.Value)
			}
			return usageError("%s:%d: not a JSON object: %v", name, line, err)
		}
		switch {
		case len(inp.ID) == 0 || string(inp.ID) == "null":
			w.Flush()
			return usageError("%s:%d: id is missing", name, line)
		case inp.Text == nil:
			w.Flush()
			return usageError("%s:%d: text is missing (or not a string)", name, line)
		}
		if err := enc.Encode(scanOutput{ID: inp.ID, Matches: lib.Scan(*inp.Text, "")}); err != nil {
			return err
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline, refusing lines over limit.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	var buf []byte
	for {
		part, err := r.ReadSlice('\n')
		buf = append(buf, part...)
		if len(buf) > limit+1 {
			return nil, errLineTooLong
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), err
	}
}
