// Package faultfs makes real storage faults for tests: a small tmpfs that
// fills up, a read-only bind mount over a directory, pages of a database
// file overwritten. Mounting needs root with CAP_SYS_ADMIN: where the
// machine forbids it, a test that needs it is skipped with a message,
// except under CI=true, where it fails (CI runs as root on a machine that
// allows it; .ci/run checks that first). Only tests import it.
package faultfs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

var (
	mountOnce sync.Once
	mountErr  error
)

// canMount tries a tmpfs mount once per test binary.
func canMount() error {
	mountOnce.Do(func() {
		if os.Geteuid() != 0 {
			mountErr = errors.New("not running as root")
			return
		}
		dir, err := os.MkdirTemp("", "faultfs-probe-")
		if err != nil {
			mountErr = err
			return
		}
		defer os.Remove(dir)
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
			mountErr = fmt.Errorf("mount -t tmpfs: %w", err)
			return
		}
		mountErr = syscall.Unmount(dir, 0)
	})
	return mountErr
}

// RequireMount skips the test when filesystems cannot be mounted here,
// and fails it under CI=true.
func RequireMount(t testing.TB) {
	t.Helper()
	if err := canMount(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("faultfs: this test needs to mount a filesystem (root with CAP_SYS_ADMIN), and CI must allow it: %v", err)
		}
		t.Skipf("faultfs: cannot mount filesystems here (%v): the real-filesystem fault test is skipped; run it as root, as CI does", err)
	}
}

// Tmpfs mounts a tmpfs of size bytes on a new directory and unmounts it
// when the test ends (after every cleanup registered later, such as
// closing the databases on it).
func Tmpfs(t testing.TB, size int64) string {
	t.Helper()
	RequireMount(t)
	dir := filepath.Join(t.TempDir(), "tmpfs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		t.Fatalf("faultfs: mount tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("faultfs: unmount %s: %v", dir, err)
		}
	})
	return dir
}

// Free returns the bytes available on dir's filesystem.
func Free(t testing.TB, dir string) uint64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return st.Bavail * uint64(st.Bsize)
}

// Fill writes a ballast file into dir until at most leave bytes are free
// on its filesystem (leave 0: until it refuses a write with ENOSPC), and
// returns the function that removes it again.
func Fill(t testing.TB, dir string, leave uint64) (release func()) {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("ballast-%d", rand.Int64()))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatalf("faultfs: ballast: %v", err)
	}
	chunk := make([]byte, 64<<10)
	for {
		free := Free(t, dir)
		if leave > 0 && free <= leave {
			break
		}
		n := uint64(len(chunk))
		if leave > 0 && free-leave < n {
			n = free - leave
		}
		if _, err := f.Write(chunk[:n]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				if n > 512 {
					chunk = chunk[:n/2] // fill the last pages too
					continue
				}
				break
			}
			f.Close()
			t.Fatalf("faultfs: ballast: %v", err)
		}
	}
	if err := f.Close(); err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("faultfs: ballast: %v", err)
	}
	once := sync.Once{}
	release = func() {
		once.Do(func() {
			if err := os.Remove(path); err != nil {
				t.Errorf("faultfs: remove ballast: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// ReadOnly bind-mounts dir read-only over itself, as a volume remounted
// read-only looks to every file opened from now on (files already open
// keep their access), and returns the function that takes the mount away.
func ReadOnly(t testing.TB, dir string) (restore func()) {
	t.Helper()
	RequireMount(t)
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("faultfs: bind mount %s: %v", dir, err)
	}
	if err := syscall.Mount("", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		syscall.Unmount(dir, syscall.MNT_DETACH)
		t.Fatalf("faultfs: remount %s read-only: %v", dir, err)
	}
	once := sync.Once{}
	restore = func() {
		once.Do(func() {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("faultfs: unmount %s: %v", dir, err)
			}
		})
	}
	t.Cleanup(restore)
	return restore
}

// PageSize reads an SQLite database's page size from its header.
func PageSize(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 100)
	if _, err := f.ReadAt(hdr, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(hdr, []byte("SQLite format 3\x00")) {
		t.Fatalf("faultfs: %s is not an SQLite database", path)
	}
	size := int(binary.BigEndian.Uint16(hdr[16:18]))
	if size == 1 {
		size = 65536
	}
	return size
}

// OverwritePages overwrites n pages of the database file at path from
// page first (1 is the header page) with random bytes, as a failing disk
// or a stray write would; the database must be closed.
func OverwritePages(t testing.TB, path string, first, n int) {
	t.Helper()
	size := PageSize(t, path)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := make([]byte, size)
	for p := first; p < first+n; p++ {
		for i := range junk {
			junk[i] = byte(rand.IntN(256))
		}
		if _, err := f.WriteAt(junk, int64(p-1)*int64(size)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}

// Pages returns how many pages the database file at path has.
func Pages(t testing.TB, path string) int {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(info.Size() / int64(PageSize(t, path)))
}
