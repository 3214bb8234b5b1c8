package sqlstore

import "context"

// scanAll runs q and reads every row with scanOne, the same function that
// reads a single row (scanOne(tx.row(…).Scan)), so a list and a lookup of
// one record read their columns in one place. A query that matches no row
// gives an empty list, not nil, which JSON encodes as [].
func scanAll[T any](ctx context.Context, tx *tx, q string, args []any, scanOne func(scan func(...any) error) (*T, error)) ([]T, error) {
	out := []T{}
	err := each(ctx, tx, q, args, func(scan func(...any) error) error {
		x, err := scanOne(scan)
		if err != nil {
			return err
		}
		out = append(out, *x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readAll is scanAll in a read transaction of its own, named op, for a
// list that is the whole answer of a store method.
func readAll[T any](ctx context.Context, db *DB, op, q string, args []any, scanOne func(scan func(...any) error) (*T, error)) ([]T, error) {
	var out []T
	err := db.inRead(ctx, op, func(tx *tx) error {
		var err error
		out, err = scanAll(ctx, tx, q, args, scanOne)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanID reads a row of one id column, for scanAll and readAll.
func scanID(scan func(...any) error) (*int64, error) {
	var id int64
	return &id, scan(&id)
}
