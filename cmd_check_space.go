package main

import (
	"context"
	"flag"
	"fmt"

	"mintedmind/files"
	"mintedmind/health"
)

// checkSpaceCommand is `mintedmind check-space DIR...`: the guard a
// replication or backup target passes before anything is written into it
// (deploy/mintedmind-litestream.service runs it before Litestream starts).
type checkSpaceCommand struct{}

func (*checkSpaceCommand) name() string { return "check-space" }

func (*checkSpaceCommand) usage() string {
	return `  mintedmind check-space DIR...            exit 1 with a message when a directory's disk is below -storage-reserve
`
}

func (*checkSpaceCommand) flags(*flag.FlagSet) {}

// run checks every directory's filesystem against the reserve and prints
// one line each.
func (*checkSpaceCommand) run(_ context.Context, inv *invocation, args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	var full []string
	for _, dir := range args {
		free, size, err := health.FreeSpace(dir)
		if err != nil {
			return fmt.Errorf("check-space %s: %w", dir, err)
		}
		reserve := inv.cfg.StorageReserve.For(size)
		line := fmt.Sprintf("%s: %s free of %s, reserve %s", dir, files.ByteSize(int64(free)), files.ByteSize(int64(size)), files.ByteSize(int64(reserve)))
		if free < reserve || free == 0 {
			full = append(full, dir)
			line += ": BELOW THE RESERVE"
		}
		fmt.Fprintln(inv.stdout, line)
	}
	if len(full) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("not enough free space in %v: free space there (or choose another target) before writing into it", full)}
	}
	return nil
}
