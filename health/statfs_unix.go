//go:build linux || darwin || freebsd

package health

import "syscall"

// statfs returns the space available to the process (not root's reserved
// blocks) and the size of the filesystem holding path, and whether it is
// mounted read-only.
func statfs(path string) (free, size uint64, readOnly bool, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, false, err
	}
	bs := uint64(st.Bsize)
	return uint64(st.Bavail) * bs, uint64(st.Blocks) * bs, uint64(st.Flags)&1 != 0, nil // ST_RDONLY, MNT_RDONLY
}
