package cli

import (
	"context"
	"fmt"
)

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := e.newFlags("migrate", "migrate [--data DIR]")
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openData(ctx, *data, nil, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	current, latest, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The database in %s is at schema version %d of %d.\n", *data, current, latest)
	return nil
}
