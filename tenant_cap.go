package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// How many agency databases the pool keeps open when -max-open-tenants is
// auto (README "Configuration"): as many as the file-descriptor limit and
// memory allow, so that a machine with thousands of agencies does not
// close and reopen databases between their requests.
const (
	// fdsPerOpenTenant is what an open, idle agency holds: one reader
	// connection with the database file and its -wal, and the -shm that
	// every connection to the file shares. A busy one holds more (up to
	// two more per connection) only while it is busy.
	fdsPerOpenTenant = 3
	// fdReserveMin is the descriptors always kept for everything else:
	// listening sockets, client connections, the control database,
	// uploads being written, busy agencies' extra connections.
	fdReserveMin = 1024
	// memPerOpenTenant is what an open, idle agency costs in memory (one
	// connection's parsed schema, page cache of a small agency, the pool's
	// bookkeeping), measured in BENCHMARKS.md "10,000 agencies".
	memPerOpenTenant = 512 << 10
	// minOpenTenants is the floor of the computed cap.
	minOpenTenants = 64
)

// autoMaxOpenTenants is the cap from the process's open-file limit and the
// memory it may use:
//
//	fd bound  = (nofile − max(1024, nofile/4)) / 3
//	mem bound = memory / 4 / 512 KiB
//	cap       = max(64, min(fd bound, mem bound))
//
// A quarter of the descriptors (at least 1024) and three quarters of the
// memory are left to the rest of the process and the system.
func autoMaxOpenTenants(nofile, memory uint64) int {
	reserve := max(uint64(fdReserveMin), nofile/4)
	var byFD uint64
	if nofile > reserve {
		byFD = (nofile - reserve) / fdsPerOpenTenant
	}
	byMem := memory / 4 / memPerOpenTenant
	return int(max(uint64(minOpenTenants), min(byFD, byMem)))
}

// raiseFileLimit raises the soft open-file limit to the hard one (Go does
// so at start too; this keeps it explicit where the cap is computed) and
// returns the soft limit in force.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read RLIMIT_NOFILE: %w", err)
	}
	if lim.Cur < lim.Max {
		raised := syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return lim.Cur, fmt.Errorf("raise RLIMIT_NOFILE to %d: %w", lim.Max, err)
		}
		lim = raised
	}
	return lim.Cur, nil
}

// processMemory is the memory this process may use: its cgroup's limit
// (cgroup v2 memory.max) when one is set, else the machine's RAM.
func processMemory() uint64 {
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 1 << 30 // unknown: assume a small machine
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			if kb, err := strconv.ParseUint(fields[1], 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 1 << 30
}

// resolveMaxOpenTenants reads -max-open-tenants: auto (the formula above)
// or a number of at least 1. It returns the cap and how it was chosen, for
// the start-up log.
func resolveMaxOpenTenants(raw string) (int, string, error) {
	if raw != "auto" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return 0, "", fmt.Errorf("max-open-tenants must be auto or at least 1, not %q", raw)
		}
		return n, "set", nil
	}
	nofile, err := raiseFileLimit()
	if err != nil && nofile == 0 {
		return minOpenTenants, err.Error(), nil
	}
	mem := processMemory()
	how := fmt.Sprintf("auto: open-file limit %d, memory %d MiB", nofile, mem>>20)
	if err != nil {
		how += " (" + err.Error() + ")"
	}
	return autoMaxOpenTenants(nofile, mem), how, nil
}
