package cli

import (
	"context"
	"fmt"
)

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := e.storeCommand("migrate", "migrate [--data DIR | --database URL]")
	if err := fs.parse(args); err != nil {
		return err
	}
	db, s, err := fs.openOrCreate(ctx)
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
