package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/childcsv"
)

// importRequest is the JSON form of an import: the CSV export's text, an
// optional mapping (docs/children.md) and the two choices.
type importRequest struct {
	CSV      string `json:"csv"`
	Mapping  string `json:"mapping"`
	DryRun   bool   `json:"dry_run"`
	FullRoll bool   `json:"full_roll"`
}

// importResponse is the outcome of an import: the columns read and, line
// by line, what was done (or, for a dry run or a file with bad lines, what
// would be).
type importResponse struct {
	Columns map[string]string `json:"columns"`
	Ignored []string          `json:"ignored"`
	*lifeguard.ChildImportResult
}

// importChildren imports the register of the caller's organisation from a
// CSV export of its management information system, for systems that push
// it: the body is the CSV itself (text/csv, with ?dry_run=true and
// ?full_roll=true) or a JSON importRequest. The file is read and imported
// by the same code as the command line's and the page's. A file with bad
// lines is answered 422 with each line's problem and the result.
func (a *API) importChildren(w http.ResponseWriter, r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	q, err := query(r.URL, "dry_run", "full_roll")
	if err != nil {
		return err
	}
	var in importRequest
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "text/csv":
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, childcsv.MaxSize+1))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return lifeguard.Invalid("The file cannot be read", []lifeguard.Problem{{Path: "file",
					Problem: "is larger than 10 MB; split it, or export only the columns Lifeguard reads"}})
			}
			return err
		}
		in.CSV = string(body)
		for _, name := range []string{"dry_run", "full_roll"} {
			switch v := q.Get(name); v {
			case "", "false":
			case "true":
				*map[string]*bool{"dry_run": &in.DryRun, "full_roll": &in.FullRoll}[name] = true
			default:
				return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: name, Problem: "must be true or false"}})
			}
		}
	case "application/json":
		if len(q) > 0 {
			return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "dry_run",
				Problem: "goes in the JSON body, not the query, when the body is JSON"}})
		}
		if err := decodeImport(w, r, &in); err != nil {
			return err
		}
	default:
		return &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			msg: "Send the CSV export as text/csv, or a JSON object with the CSV in \"csv\"."}
	}
	var m childcsv.Mapping
	if strings.TrimSpace(in.Mapping) != "" {
		if m, err = childcsv.ReadMapping(strings.NewReader(in.Mapping)); err != nil {
			return err
		}
	}
	file, err := childcsv.Read(strings.NewReader(in.CSV), m)
	if err != nil {
		return err
	}
	res, err := a.Children.ImportChildren(r.Context(), lifeguard.ChildImport{OrganisationID: act.OrganisationID,
		Lines: file.Lines, FullRoll: in.FullRoll, DryRun: in.DryRun, Fields: file.Fields})
	if res == nil {
		return err
	}
	out := importResponse{Columns: file.Columns, Ignored: nonNil(file.Ignored), ChildImportResult: res}
	if err != nil {
		if lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			return err
		}
		_, body := statusOf(err)
		writeJSON(w, http.StatusUnprocessableEntity, struct {
			errorBody
			Result importResponse `json:"result"`
		}{body, out})
		return nil
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// decodeImport reads the JSON form of an import, which may be as large as
// the file it carries, and a little more.
func decodeImport(w http.ResponseWriter, r *http.Request, in *importRequest) error {
	return decodeIntoLimit(w, r, in, childcsv.MaxSize+1<<20)
}
