package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
)

// Most record endpoints have one shape: get the store (ENOTFOUND when the
// server does not offer it), read the path's {id}, decode the JSON body,
// call one store method and answer with what it returns. These build such
// handlers from the store method, keeping that order of checks so that
// every endpoint answers a bad request the same way. A method expression
// (lifeguard.AuditStore.Audit) is the call where the body needs no work
// between decoding and the store.

// readByID answers 200 with what read returns for the record at {id}.
func readByID[S, Out any](store func() (S, error), read func(S, context.Context, int64) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := store()
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		out, err := read(st, r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// changeByID decodes the body into an In and answers status with what
// change returns for the record at {id}.
func changeByID[S, In, Out any](store func() (S, error), status int, change func(S, context.Context, int64, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := store()
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in In
		if err := decodeInto(w, r, &in); err != nil {
			return err
		}
		out, err := change(st, r.Context(), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}

// createWith decodes the body into an In and answers 201 with what add
// returns.
func createWith[S, In, Out any](store func() (S, error), add func(S, context.Context, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := store()
		if err != nil {
			return err
		}
		var in In
		if err := decodeInto(w, r, &in); err != nil {
			return err
		}
		out, err := add(st, r.Context(), in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, out)
		return nil
	}
}

// listByID answers with the list of the record at {id}: as JSON under key
// (never null), or with ?format=csv as the file name-ID.csv that write
// makes.
func listByID[S, T any](store func() (S, error), list func(S, context.Context, int64) ([]T, error), key, name string,
	write func(io.Writer, []T) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := store()
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		csv, err := wantsCSV(r)
		if err != nil {
			return err
		}
		items, err := list(st, r.Context(), id)
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, name+"-"+strconv.FormatInt(id, 10)+".csv", func(w io.Writer) error { return write(w, items) })
		}
		writeJSON(w, http.StatusOK, map[string][]T{key: nonNil(items)})
		return nil
	}
}

// listByOrg answers a list of an organisation's records (?organisation_id=,
// the actor's own when absent; listParams) as {key: [...]}, or as the CSV
// file name.csv with ?format=csv.
func listByOrg[S, T any](store func() (S, error), list func(S, context.Context, int64) ([]T, error), key, name string,
	write func(io.Writer, []T) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := store()
		if err != nil {
			return err
		}
		_, org, csv, err := listParams(r)
		if err != nil {
			return err
		}
		items, err := list(st, r.Context(), org)
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, name+".csv", func(w io.Writer) error { return write(w, items) })
		}
		writeJSON(w, http.StatusOK, map[string][]T{key: nonNil(items)})
		return nil
	}
}
