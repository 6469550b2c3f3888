//go:build unix

package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPermissions checks that the workspace is private whatever the umask:
// with a umask of 0277 a plain Mkdir would make the folder unwritable and
// the database read-only.
func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	old := syscall.Umask(0o277)
	s := openTest(t, dir)
	syscall.Umask(old)
	mustCreate(t, s, "perms")

	check := func(path string, want fs.FileMode) {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o; want %o", filepath.Base(path), got, want)
		}
	}
	check(dir, 0o700)
	check(filepath.Join(dir, DBFile), 0o600)
	for _, suffix := range []string{"-wal", "-shm"} {
		check(filepath.Join(dir, DBFile+suffix), 0o600)
	}
}

func TestTightensExistingDatabase(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	s.Close()
	path := filepath.Join(dir, DBFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	openTest(t, dir)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("reopened database has mode %o; want 600", got)
	}
}

func TestReadOnlyWorkspace(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // dir is 0700 and holds a workspace
	}{
		{"new workspace in read-only folder", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, DBFile))
			chmod(t, dir, 0o500)
		}},
		{"existing workspace in read-only folder", func(t *testing.T, dir string) { chmod(t, dir, 0o500) }},
		{"read-only database file", func(t *testing.T, dir string) { chmod(t, filepath.Join(dir, DBFile), 0o400) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			openTest(t, dir).Close()
			tt.setup(t, dir)
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			s, err := Open(context.Background(), dir, Options{})
			if err == nil {
				s.Close()
			}
			want := "workspace " + dir + " is not writable"
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Open: %v; want an error starting %q", err, want)
			}
		})
	}
}

func chmod(t *testing.T, path string, mode fs.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
