package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// maxFacts bounds what triage reads: the largest valid facts (a description of
// 20,000 characters in 4-byte runes, and the rest) fit well within it.
const maxFacts = 1 << 20

func (e *env) triage(ctx context.Context, args []string) error {
	fs := e.command("triage", "triage [--procedure LOCAL.yaml] [FILE|-]")
	local := fs.String("procedure", "", "a local procedure file over the England baseline")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("triage reads one concern: give one FILE, or - (or nothing) for standard input")
	}
	p, err := loadProcedure(*local)
	if err != nil {
		return err
	}
	in, name := e.stdin, "standard input"
	if path := fs.Arg(0); path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, path
	}
	data, err := io.ReadAll(io.LimitReader(in, maxFacts+1))
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxFacts {
		return e.invalid([]lifeguard.Problem{{Problem: fmt.Sprintf("the input is larger than %d bytes; one concern's facts are far smaller", maxFacts)}})
	}
	f, err := factsjson.DecodeFacts(data, factsjson.DecodeOptions{})
	if err != nil {
		return e.triageError(err)
	}
	t, err := p.Triage(ctx, f)
	if err != nil {
		return e.triageError(err)
	}
	out, err := encodeJSON(t)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}

func (e *env) triageError(err error) error {
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		if le, ok := errors.AsType[*lifeguard.Error](err); ok {
			return e.invalid(le.Problems)
		}
	}
	return err
}

// invalid prints the problems in the shape procedure.md gives, on standard
// output for programs, with a one-line summary on standard error for people.
func (e *env) invalid(problems []lifeguard.Problem) error {
	out, err := encodeJSON(struct {
		Error    string              `json:"error"`
		Problems []lifeguard.Problem `json:"problems"`
	}{"invalid concern", problems})
	if err != nil {
		return err
	}
	if _, err := e.stdout.Write(out); err != nil {
		return err
	}
	summary := fmt.Sprintf("invalid concern: %d problem(s)", len(problems))
	if len(problems) > 0 {
		summary += ", the first: " + problems[0].String()
	}
	return &exitError{code: exitInvalid, msg: summary}
}

// encodeJSON writes v as indented JSON without escaping <, > and &, which
// people read in the reasons and actions.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// loadProcedure loads the baseline, with the local file at path over it when
// path is not empty.
func loadProcedure(path string) (*procedure.Procedure, error) {
	if path == "" {
		return procedure.Load("", nil)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := procedure.Load(path, data)
	if err != nil {
		return nil, &exitError{code: exitInvalid, msg: "the procedure file has problems:\n" + err.Error()}
	}
	return p, nil
}
