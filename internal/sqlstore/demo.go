package sqlstore

import "context"

// The demo accounts: the users the demo seed created, recorded by id so
// that serve --demo exempts exactly them from the second factor, and never
// a user added later whatever their address.

// MarkDemoAccounts records users as demo accounts. Only the system actor
// may: the demo seed, run by serve --demo.
func (db *DB) MarkDemoAccounts(ctx context.Context, ids []int64) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.inWrite(ctx, "mark demo accounts", func(tx *tx) error {
		for _, id := range ids {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errNoUser()
			}
			if _, err := tx.exec(ctx, `INSERT INTO demo_accounts (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING`,
				id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DemoAccounts returns the ids of the demo accounts, in order.
func (db *DB) DemoAccounts(ctx context.Context) ([]int64, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "demo accounts", `SELECT user_id FROM demo_accounts ORDER BY user_id`, nil, scanID)
}
