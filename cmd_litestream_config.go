package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"text/template"
)

// litestreamConfigCommand is `mintedmind litestream-config`.
type litestreamConfigCommand struct {
	replica string // -replica: where Litestream replicates to
}

func (*litestreamConfigCommand) name() string { return "litestream-config" }

func (*litestreamConfigCommand) usage() string {
	return `  mintedmind litestream-config [-replica URL]
                                           print a Litestream configuration for the control database and every agency
`
}

func (l *litestreamConfigCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&l.replica, "replica", env("LITESTREAM_REPLICA", "file:///var/backups/mintedmind/litestream"), "replica URL root; each database gets a path below it (LITESTREAM_REPLICA)")
}

// run prints a Litestream configuration for this installation.
func (l *litestreamConfigCommand) run(_ context.Context, inv *invocation, args []string) error {
	if len(args) > 0 {
		return errUsage
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	control := abs(filepath.Join(inv.cfg.ControlDir, "control.db"))
	if inv.cfg.ControlDB != "" {
		control = "" // PostgreSQL's: Litestream replicates SQLite only
		fmt.Fprintln(inv.stderr, "litestream-config: the control database is on PostgreSQL (-control-db): the configuration replicates this machine's agencies only; replicate PostgreSQL with its own tools (WAL archiving, a standby)")
	}
	return litestreamTemplate.Execute(inv.stdout, map[string]string{
		"Control": control,
		"Tenants": abs(filepath.Join(inv.cfg.DataDir, "tenants")),
		"Replica": trimSlash(l.replica),
	})
}

// litestreamTemplate replicates the control database and, through
// Litestream's directory watching, every agency database, including the
// ones created after Litestream started.
var litestreamTemplate = template.Must(template.New("litestream").Parse(`# Litestream configuration for MintedMind, written by "mintedmind litestream-config".
# Run: litestream replicate -config this-file  (beside the server, same user).
{{- if .Control}}
# The control database is replicated on its own; every agency database under
{{- else}}
# The control database is on PostgreSQL (-control-db), shared by every
# machine, and not replicated here: PostgreSQL's own tools do that (WAL
# archiving, a standby). Every agency database of this machine under
{{- end}}
# tenants/ is found by directory watching, so agencies created or removed
# later are covered without editing this file. Each database gets its own
# path under the replica root: control/ and tenants/<agency id>/tenant.db/.
# Restore one: litestream restore -o OUT {{.Replica}}/tenants/<agency id>/tenant.db
dbs:
{{- if .Control}}
  - path: {{.Control}}
    replica:
      url: {{.Replica}}/control
{{- end}}
  - dir: {{.Tenants}}
    pattern: "tenant.db"
    recursive: true
    watch: true
    replica:
      url: {{.Replica}}/tenants
`))

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
