package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Faults the workspace can meet: a folder the user may read but not write, and a full disk.
// Either must give one clear sentence, exit 1, and lose nothing already saved.

// oneSentence fails unless stderr is one line starting "dpia: " with no panic in it.
func oneSentence(t *testing.T, what string, r result) {
	t.Helper()
	msg := strings.TrimSpace(r.stderr)
	if r.code != 1 || !strings.HasPrefix(msg, "dpia: ") || strings.Contains(msg, "\n") ||
		strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
		t.Errorf("%s: exit %d, stderr %q; want exit 1 and one sentence", what, r.code, r.stderr)
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// TestReadOnlyWorkspace: a workspace whose folder and files the user cannot write (0500 and
// 0400). Root ignores permissions, so as root the commands run as the user "nobody", who
// then owns the workspace; as any other user they run as that user.
func TestReadOnlyWorkspace(t *testing.T) {
	base, err := os.MkdirTemp("", "dpia-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "ws"), 0o700); os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	ws := filepath.Join(base, "ws")
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Read-only").stdout)
	dpia(t, ws, "answer", id, "biometric.used", "yes")
	dpia(t, ws, "note", id, "biometric.used", "Face unlock at the gate.")
	before := dpia(t, ws, "export", id).stdout
	evidence := filepath.Join(base, "evidence")
	os.MkdirAll(evidence, 0o755)
	os.WriteFile(filepath.Join(evidence, "users.csv"), []byte("name,email\nIvan,ivan@example.kz\n"), 0o644)

	var cred *syscall.Credential
	bin := binary
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			t.Skipf("running as root and there is no user nobody to run dpia as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		bin = filepath.Join(base, "dpia")
		copyFile(t, binary, bin, 0o755)
		filepath.Walk(ws, func(p string, _ os.FileInfo, _ error) error { return os.Chown(p, uid, gid) })
	}
	filepath.Walk(ws, func(p string, info os.FileInfo, _ error) error {
		if info != nil && !info.IsDir() {
			os.Chmod(p, 0o400)
		}
		return nil
	})
	os.Chmod(ws, 0o500)
	sum := fileSum(t, filepath.Join(ws, "workspace.db"))
	runAs := func(args ...string) result {
		cmd := exec.Command(bin, append([]string{"--workspace", ws}, args...)...)
		cmd.Dir = base
		cmd.Env = append(os.Environ(), "DPIA_USER=tester", "DPIA_WORKSPACE=", "HOME="+base)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{out.String(), errb.String(), code}
	}
	for _, args := range [][]string{
		{"answer", id, "biometric.used", "no"},
		{"note", id, "biometric.used", "changed"},
		{"new", "--name", "Another"},
		{"evidence", "add", id, evidence},
		{"import", "../../testdata/answers/clearview.yaml"},
	} {
		r := runAs(args...)
		oneSentence(t, strings.Join(args[:1], " "), r)
		if !strings.Contains(r.stderr, "not writable") {
			t.Errorf("%s: %q does not say the workspace is not writable", args[0], r.stderr)
		}
	}
	if got := fileSum(t, filepath.Join(ws, "workspace.db")); got != sum {
		t.Error("the read-only workspace database changed")
	}
	os.Chmod(ws, 0o700)
	os.Chmod(filepath.Join(ws, "workspace.db"), 0o600)
	if r := dpia(t, ws, "log", id, "--verify"); r.code != 0 {
		t.Errorf("log after the refused writes: %+v", r)
	}
	if after := dpia(t, ws, "export", id).stdout; after != before {
		t.Errorf("answers changed:\n%s\n---\n%s", before, after)
	}
}

func copyFile(t *testing.T, from, to string, perm os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// smallDisk mounts a tmpfs of the given size, or skips the test when that is not possible
// (only root may mount; containers may forbid it).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a full disk is simulated with a small tmpfs, which only root can mount")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	os.MkdirAll(dir, 0o700)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a %s tmpfs to simulate a full disk: %v", size, err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes a new file on the disk at dir until only leave bytes are free.
func fill(t *testing.T, dir string, leave int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	f, err := os.CreateTemp(dir, "filler-")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for n := free - leave; n > 0; n -= int64(len(chunk)) {
		if _, err := f.Write(chunk[:min(int64(len(chunk)), n)]); err != nil {
			break // full
		}
	}
}

// TestFullDisk: indexing onto a nearly full disk, writing a report onto a full one, and any
// change on a disk with no byte left fail with one sentence and exit 1; afterwards the
// workspace verifies and holds what it held.
func TestFullDisk(t *testing.T) {
	disk := smallDisk(t, "16m") // a new workspace takes about 2 MB (64 KiB pages) and as much again in its log
	out := smallDisk(t, "64k")
	ws := filepath.Join(disk, "ws")
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Full disk").stdout)
	dpia(t, ws, "answer", id, "biometric.used", "yes")
	small := privateEvidence(t)
	if r := dpia(t, ws, "evidence", "add", id, small); r.code != 0 {
		t.Fatalf("evidence add: %s", r.stderr)
	}
	before := dpia(t, ws, "export", id).stdout
	listed := dpia(t, ws, "evidence", "list", id, "--json").stdout
	big := filepath.Join(t.TempDir(), "big")
	os.MkdirAll(big, 0o700)
	for i := range 4 {
		var b strings.Builder
		for j := range 12000 {
			fmt.Fprintf(&b, "line %d of file %d: contact person%d@example.com, ticket %d\n", j, i, j, i*j)
		}
		os.WriteFile(filepath.Join(big, fmt.Sprintf("t%d.txt", i)), []byte(b.String()), 0o600)
	}

	fill(t, disk, 300<<10)
	r := dpia(t, ws, "evidence", "add", id, big)
	oneSentence(t, "evidence add on a nearly full disk", r)
	if !strings.Contains(r.stderr, "is full") {
		t.Errorf("evidence add: %q does not say the disk is full", r.stderr)
	}
	pdf := filepath.Join(out, "report.pdf")
	r = dpia(t, ws, "report", id, "--format", "pdf", "-o", pdf)
	oneSentence(t, "report onto a full disk", r)
	if !strings.Contains(r.stderr, "no space left") {
		t.Errorf("report: %q does not say there is no space left", r.stderr)
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Errorf("a failed report left %d files behind (%s)", len(left), left[0].Name())
	}

	fill(t, disk, 0)
	r = dpia(t, ws, "answer", id, "biometric.used", "no")
	oneSentence(t, "answer on a full disk", r)
	if !strings.Contains(r.stderr, "disk is probably full") {
		t.Errorf("answer on a disk with no byte left: %q does not say the disk is full", r.stderr)
	}

	fillers, _ := filepath.Glob(filepath.Join(disk, "filler-*"))
	for _, f := range fillers {
		os.Remove(f)
	}
	if r := dpia(t, ws, "log", id, "--verify"); r.code != 0 {
		t.Errorf("log after the full disk: %+v", r)
	}
	if after := dpia(t, ws, "export", id).stdout; after != before {
		t.Errorf("answers changed on the full disk:\n%s\n---\n%s", before, after)
	}
	if after := dpia(t, ws, "evidence", "list", id, "--json").stdout; after != listed {
		t.Errorf("evidence changed on the full disk")
	}
	checkEvidenceRows(t, (&crashHarness{t: t, ws: ws}).db())
}
