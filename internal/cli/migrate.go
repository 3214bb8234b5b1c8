package cli

import (
	"context"
	"fmt"
)

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := e.newFlags("migrate", "migrate [--data DIR | --database URL]")
	where := addStoreFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := where.store()
	if err != nil {
		return err
	}
	db, err := openData(ctx, s, nil, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	current, latest, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if s.postgres() {
		fmt.Fprintf(e.stdout, "The %s is at schema version %d of %d.\n", s, current, latest)
	} else {
		fmt.Fprintf(e.stdout, "The database in %s is at schema version %d of %d.\n", s, current, latest)
	}
	return nil
}
