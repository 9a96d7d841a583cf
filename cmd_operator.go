package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"mintedmind/clock"
	controldb "mintedmind/db/control"
)

// operatorCommand is `mintedmind operator create`.
type operatorCommand struct{}

func (*operatorCommand) name() string { return "operator" }

func (*operatorCommand) usage() string {
	return `  mintedmind operator create [flags]       print a one-time link that creates a platform operator
`
}

func (*operatorCommand) flags(*flag.FlagSet) {}

func (*operatorCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) != 1 || args[0] != "create" {
		return errUsage
	}
	return operatorCreate(ctx, inv.cfg, inv)
}

// operatorCreate prints a one-time link that creates a platform operator,
// on the server's base URL unless -base-url is given.
func operatorCreate(ctx context.Context, cfg *config, inv *invocation) error {
	if err := os.MkdirAll(cfg.ControlDir, 0o700); err != nil {
		return err
	}
	control, err := cfg.openControl(ctx, clock.System{})
	if err != nil {
		return err
	}
	defer control.Close()
	baseURL, err := cfg.baseURL(ctx, control, linksLikeServer)
	if err != nil {
		return err
	}
	token, err := control.CreateSetupToken(ctx, controldb.SetupCLI, setupLinkTTL)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "Open this link within 24 hours to create a platform operator (it works once):\n%s/setup/%s\n", baseURL, token)
	return nil
}
