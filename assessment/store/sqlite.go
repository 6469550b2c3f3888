package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DBFile is the name of the database file inside a workspace folder.
const DBFile = "workspace.db"

const (
	dirPerm  fs.FileMode = 0o700
	filePerm fs.FileMode = 0o600
)

// SQLite is the embedded Store: one SQLite database in a workspace folder.
// It is safe for concurrent use, also by several processes at once.
type SQLite struct {
	db        *sql.DB
	dir       string
	path      string
	now       func() time.Time
	upgrading func(from, to int)
}

// Open opens the workspace in dir, creating the folder (mode 0700) and its
// database (mode 0600) when missing, and applies pending migrations.
func Open(ctx context.Context, dir string, opts Options) (*SQLite, error) {
	if dir == "" {
		return nil, errors.New("open workspace: no workspace folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", dir, err)
	}
	path := filepath.Join(abs, DBFile)
	if err := prepareFiles(abs, path); err != nil {
		return nil, err
	}
	pageSize, err := preparePages(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("create workspace database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, opts.BusyTimeout, pageSize))
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", abs, err)
	}
	s := &SQLite{db: db, dir: abs, path: path, now: opts.Now, upgrading: opts.Upgrading}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init connects, migrates and tightens the permissions of the files that
// SQLite created next to the database.
func (s *SQLite) init(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.openErr(err)
	}
	if err := s.checkWritable(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := tighten(s.path + suffix); err != nil {
			return fmt.Errorf("open workspace %s: %w", s.dir, err)
		}
	}
	return nil
}

// checkWritable fails when SQLite could only open the database read-only,
// so that a read-only workspace is reported at Open, not at the first save.
func (s *SQLite) checkWritable(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.openErr(err)
	}
	defer conn.Close()
	readOnly := false
	err = conn.Raw(func(dc any) error {
		if c, ok := dc.(interface{ IsReadOnly(string) (bool, error) }); ok {
			var err error
			readOnly, err = c.IsReadOnly("main")
			return err
		}
		return nil
	})
	if err != nil {
		return s.openErr(err)
	}
	if readOnly {
		return fmt.Errorf("workspace %s is not writable: %s is read-only", s.dir, s.path)
	}
	return nil
}

// dsn builds the connection string. Every pooled connection runs the
// pragmas, and write transactions begin IMMEDIATE so that they take the
// write lock up front instead of failing on a lock upgrade.
func dsn(path string, busy time.Duration, pageSize int) string {
	if busy <= 0 {
		busy = 5 * time.Second
	}
	ms := busy.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", ms))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Checkpoint the write-ahead log at about 4 MB, as SQLite's default of 1,000 pages does
	// for 4 KiB pages, whatever the page size.
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", max(16, walCheckpointBytes/pageSize)))
	q.Set("_txlock", "immediate")
	return fileURI(path) + "?" + q.Encode()
}

// fileURI is the path as a file: URI for the driver.
func fileURI(path string) string {
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath()
}

// PageSize is the page size of a new workspace database. Indexing evidence writes hundreds of
// megabytes through SQLite's write-ahead log; with 64 KiB pages it makes 15 times fewer write
// calls than with the default 4 KiB and indexes the dense benchmark corpus 12–17% faster
// (docs/benchmarks.md), with the same search times. A database keeps the page size it was
// created with.
const PageSize = 65536

// walCheckpointBytes is the size of the write-ahead log at which a commit checkpoints it.
const walCheckpointBytes = 1000 * 4096

// preparePages returns the page size of the workspace database. A file that is still empty
// first gets PageSize and the write-ahead log, before any connection of the pool opens it:
// the pool's connections turn WAL on first, which would fix the default page size. An
// existing file's size is read from its header; 4096 (SQLite's default) when it cannot be
// read or is no database (Open then says what is wrong).
func preparePages(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 4096, nil
	}
	defer f.Close()
	var h [18]byte
	switch n, err := io.ReadFull(f, h[:]); {
	case n == 0 && errors.Is(err, io.EOF):
		return PageSize, newDatabase(ctx, path)
	case err != nil || string(h[:16]) != "SQLite format 3\x00":
		return 4096, nil
	}
	switch n := int(h[16])<<8 | int(h[17]); {
	case n == 1:
		return 65536, nil
	case n >= 512 && n&(n-1) == 0:
		return n, nil
	}
	return 4096, nil
}

// newDatabase gives the empty database file at path PageSize pages and the write-ahead log.
func newDatabase(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{fmt.Sprintf("PRAGMA page_size = %d", PageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return db.Close()
}

// prepareFiles creates the workspace folder and an empty database file with
// owner-only permissions, independent of the umask.
func prepareFiles(dir, path string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, dirPerm); err != nil {
			return fmt.Errorf("create workspace folder %s: %w", dir, err)
		}
		if err := os.Chmod(dir, dirPerm); err != nil {
			return fmt.Errorf("create workspace folder %s: %w", dir, err)
		}
	case err != nil:
		return fmt.Errorf("open workspace %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("open workspace %s: not a folder", dir)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
	switch {
	case err == nil:
		f.Close()
		if err := os.Chmod(path, filePerm); err != nil {
			return fmt.Errorf("create workspace database %s: %w", path, err)
		}
		return nil
	case errors.Is(err, fs.ErrExist):
		return tighten(path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("workspace %s is not writable: %w", dir, err)
	}
	return fmt.Errorf("create workspace database %s: %w", path, err)
}

// tighten removes group and other permissions from an existing file. A
// missing file is not an error.
func tighten(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return os.Chmod(path, info.Mode().Perm()&^0o077)
}

// DB returns the underlying database, for packages that keep their own
// tables in the workspace.
func (s *SQLite) DB() *sql.DB { return s.db }

// Dir returns the absolute path of the workspace folder.
func (s *SQLite) Dir() string { return s.dir }

// Close closes the database.
func (s *SQLite) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close workspace %s: %w", s.dir, err)
	}
	return nil
}

// lockedError is returned when the write lock could not be taken in time.
type lockedError struct {
	dir string
	err error
}

func (e *lockedError) Error() string {
	return fmt.Sprintf("workspace %s is locked by another dpia process; try again", e.dir)
}

func (e *lockedError) Unwrap() []error { return []error{ErrLocked, e.err} }

// sqliteCode returns the primary SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// fail wraps err with the operation that failed, turning lock timeouts into
// an error that wraps ErrLocked. A not-found error already names the
// assessment and is returned as it is.
func (s *SQLite) fail(op string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return &lockedError{dir: s.dir, err: err}
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("%s: workspace %s is not writable: %w", op, s.dir, err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%s: the disk holding workspace %s is full", op, s.dir)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// openErr explains why the database could not be opened.
func (s *SQLite) openErr(err error) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("open workspace: %s is not a SQLite database", s.path)
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("open workspace: database %s is damaged: %w", s.path, err)
	case sqlite3.SQLITE_IOERR:
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_IOERR_SHMSIZE {
			return fmt.Errorf("open workspace %s: cannot grow %s-shm: the disk is probably full", s.dir, s.path)
		}
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return fmt.Errorf("workspace %s is not writable: cannot open %s for writing: %w", s.dir, s.path, err)
	}
	return s.fail("open workspace "+s.dir, err)
}
