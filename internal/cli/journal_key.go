package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// journalKeyEnv names the journal key's file when --journal-key is not
// given.
const journalKeyEnv = "LIFEGUARD_JOURNAL_KEY_FILE"

// The journal key seals the journal's head (internal/sqlstore/journal_seal.go)
// and must be kept outside the database. For SQLite it is journal.key in the
// data directory unless --journal-key puts it elsewhere; for PostgreSQL there
// is no default, and every server and tool on one database needs the same
// file. The file holds the key in hex on one line and must be readable by its
// owner only, like an SSH private key.

// defaultJournalKey is the key's file in a data directory.
func defaultJournalKey(dir string) string { return filepath.Join(dir, "journal.key") }

// readJournalKey reads the key in path. It reports fs.ErrNotExist (wrapped)
// when there is no file.
func readJournalKey(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, usageError("the journal key %s can be read or written by other users than its owner; "+
			"run chmod 600 %s (and ask whether someone has copied it)", path, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != sqlstore.JournalKeySize {
		return nil, usageError("the journal key %s is not a key written by Lifeguard (%d bytes in hex on one line)",
			path, sqlstore.JournalKeySize)
	}
	return key, nil
}

// newJournalKey makes a new random key.
func newJournalKey() []byte {
	key := make([]byte, sqlstore.JournalKeySize)
	rand.Read(key)
	return key
}

// writeJournalKey writes key to a new file at path, owner-only, and syncs
// it to the disk before the journal is sealed with it. It never overwrites
// a file: that would lose the key a journal is sealed with.
func writeJournalKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("journal key: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("journal key: %w", err)
	}
	return nil
}

// journalKeyMissing reports whether err says the key's file is not there.
func journalKeyMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
