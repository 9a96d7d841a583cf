// Command mintedmind is a client portal and CRM for agencies in one binary:
// `mintedmind` serves; subcommands manage the installation (see -h).
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
)

//go:embed views assets
var webFS embed.FS

//go:embed schema.sql
var tenantSchema string

//go:embed control.sql
var controlSchema string

// command is one subcommand, each in its cmd_<name>.go beside its flags.
type command interface {
	name() string
	usage() string          // its lines under "Usage:" in -h
	flags(fs *flag.FlagSet) // registers its own flags; the global ones are config's
	// run does the command; args are the words after its name.
	run(ctx context.Context, inv *invocation, args []string) error
}

// commandTable makes every command afresh, in the order -h lists them.
func commandTable() []command {
	return []command{
		&serveCommand{}, &operatorCommand{}, &jobsCommand{}, &retentionCommand{}, &demoCommand{},
		&backupCommand{}, &restoreCommand{}, &litestreamConfigCommand{}, &agencyCommand{}, &checkSpaceCommand{},
	}
}

// invocation is what every command gets: the global configuration, a
// logger and where to print.
type invocation struct {
	cfg            *config
	log            *slog.Logger
	stdout, stderr io.Writer
}

// errUsage is a command given words it does not take; run prints its usage.
var errUsage = errors.New("unknown command")

// exitError ends the process with its code rather than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode is the process's exit status after run returned err: 0 for
// none or -h, an exitError's code, else 1.
func exitCode(err error) int {
	var exit *exitError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		return exit.code
	}
	return 1
}

func main() {
	// Unless GOGC says otherwise, the collector runs when the heap has grown
	// by 200%, not Go's 100%: the server keeps little live data, and under
	// load collecting half as often served more pages for about 7 MiB more
	// peak RSS (77 → 84 MiB in bench/crm.sh; BENCHMARKS.md).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "mintedmind:", err)
	}
	os.Exit(exitCode(err))
}

// run parses args and runs the command they name (serve if none).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, cmd, words, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		printUsage(stderr, cmd)
	}
	if err != nil {
		return err
	}
	var rest []string // the words after the command's name
	if len(words) > 0 {
		rest = words[1:]
	}
	err = cmd.run(ctx, &invocation{cfg: cfg, log: newLogger(cfg, stderr), stdout: stdout, stderr: stderr}, rest)
	if errors.Is(err, errUsage) {
		printUsage(stderr, cmd)
		return fmt.Errorf("%w %q", errUsage, words)
	}
	return err
}

const usageHeader = `mintedmind — client portal and CRM for agencies

Usage:
`

const usageFlags = `
Flags may come before or after the command. Each has an environment variable.
"mintedmind COMMAND -h" shows a command's own flags.

Flags:
`

// printUsage writes mintedmind's usage, or with cmd that command's: its
// lines, its own flags and the global ones.
func printUsage(w io.Writer, cmd command) {
	global := newFlagSet(w)
	(&config{}).flags(global)
	if cmd == nil {
		fmt.Fprint(w, usageHeader)
		for _, c := range commandTable() {
			fmt.Fprint(w, c.usage())
		}
		fmt.Fprint(w, usageFlags)
		global.PrintDefaults()
		return
	}
	fmt.Fprint(w, "Usage:\n"+cmd.usage())
	own := newFlagSet(w)
	cmd.flags(own)
	if hasFlags(own) {
		fmt.Fprint(w, "\nFlags:\n")
		own.PrintDefaults()
	}
	fmt.Fprint(w, "\nGlobal flags, before or after the command, each with an environment variable:\n")
	global.PrintDefaults()
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
