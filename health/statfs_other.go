//go:build !(linux || darwin || freebsd)

package health

import "errors"

// statfs is not known here: free space is not watched.
func statfs(string) (free, size uint64, readOnly bool, err error) {
	return 0, 0, false, errors.New("health: free space is not known on this system")
}
