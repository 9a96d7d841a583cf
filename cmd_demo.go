package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	application "mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/billing"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/internal/demodata"
)

// demoCommand is `mintedmind demo`.
type demoCommand struct {
	slug                   string // the demo agency's address
	clients, cases, events int    // how many clients, cases and history events
	seed                   uint64 // the same seed makes the same data
}

func (*demoCommand) name() string { return "demo" }

func (*demoCommand) usage() string {
	return `  mintedmind demo [-slug demo] [-clients N] [-cases N] [-events N] [-seed N]
                                           create a demo agency with generated data and print its sign-ins
`
}

func (d *demoCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&d.slug, "slug", "demo", "the demo agency's address, /a/SLUG")
	fs.IntVar(&d.clients, "clients", 100, "number of clients")
	fs.IntVar(&d.cases, "cases", 500, "number of cases")
	fs.IntVar(&d.events, "events", 5000, "number of case history events, each case's creation included")
	fs.Uint64Var(&d.seed, "seed", 1, "random seed; the same seed and sizes make the same data")
}

func (d *demoCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) > 0 {
		return errUsage
	}
	return d.demo(ctx, inv.cfg, inv.stdout, inv.stderr)
}

// demoPeople are the demo agency's staff sign-ins besides the owner, each
// added through the real invite path.
var demoPeople = []struct{ role, local, name string }{
	{tenant.RoleAdmin, "admin", "Adrian Adler"},
	{tenant.RoleStaff, "staff1", "Stella Stone"},
	{tenant.RoleStaff, "staff2", "Samuel Sato"},
}

// demoContact is the client sign-in: a contact of the demo's portal
// client, invited through the real contact invite path once the clients
// exist.
var demoContact = struct{ role, local, name string }{tenant.RoleClient, "client", "Carla Client"}

// demoBilling is the demo agency as a seller; invoices are numbered in
// the default pattern.
func demoBilling(slug string) tenant.BillingSettings {
	return tenant.BillingSettings{LegalName: "Demo Agency UAB", Address: "Gedimino pr. 1\n01103 Vilnius\nLithuania",
		CompanyCode: "305000000", VATNumber: "LT100000000000", Email: "billing@" + slug + ".example",
		BankDetails: "IBAN LT12 1000 0111 0100 1000\nAB SEB bankas, SWIFT CBVILT2X", Currency: "EUR",
		NumberPattern: billing.DefaultNumberPattern, TermsDays: tenant.DefaultTermsDays, ReminderDays: tenant.DefaultReminderDays}
}

// demo creates a demo agency with its sign-ins and generated data, and
// prints how to sign in. It opens the data directory directly, so it can
// run before the server starts (or beside it).
func (d *demoCommand) demo(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	size := demodata.Size{Clients: d.clients, Cases: d.cases, Events: d.events}
	if msg := control.ValidateSlug(d.slug); msg != "" {
		return fmt.Errorf("demo: -slug %q: %s", d.slug, msg)
	}
	if err := size.Validate(); err != nil {
		fields := apperr.FieldsOf(err)
		var msgs []string
		for _, name := range []string{"clients", "cases", "events"} {
			if msg, ok := fields[name]; ok {
				msgs = append(msgs, "-"+name+": "+msg)
			}
		}
		return fmt.Errorf("demo: %s", strings.Join(msgs, "; "))
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	start := time.Now()

	c := clock.System{}
	a, err := openApp(ctx, cfg, c, newLogger(cfg, stderr), linksLikeServer)
	if err != nil {
		return err
	}
	defer a.close()
	if taken, err := a.control.SlugTaken(ctx, d.slug); err != nil {
		return err
	} else if taken {
		return fmt.Errorf("demo: an agency with the address %q already exists in %s; choose another with -slug", d.slug, cfg.DataDir)
	}

	password := demoPassword()
	hash, err := auth.NewHasher(auth.DefaultParams, 1).Hash(ctx, password)
	if err != nil {
		return err
	}
	email := func(local string) string { return local + "@" + d.slug + ".example" }
	agency, owner, err := application.CreateAgency(ctx, a.control, a.pool, application.NewAgency{
		Name: "Demo Agency", Slug: d.slug, OwnerName: "Olivia Owens", OwnerEmail: email("owner"), OwnerPasswordHash: hash,
	})
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			return fmt.Errorf("demo: an agency with the address %q already exists; choose another with -slug", d.slug)
		}
		return err
	}
	t, release, err := a.pool.Acquire(ctx, agency.ID)
	if err != nil {
		return err
	}
	defer release()
	byOwner := tenant.Audit{ActorID: owner.ID, ActorName: owner.Name}
	// accept signs an invite's person up, as the invite link does.
	accept := func(token, local, name string) (*tenant.User, error) {
		u, err := t.AcceptInvite(ctx, token, name, hash, tenant.Audit{Action: "invite.accepted"})
		if err != nil {
			return nil, fmt.Errorf("demo: accept invite %s: %w", local, err)
		}
		return u, a.control.AddToDirectory(ctx, email(local), agency.ID)
	}
	for _, p := range demoPeople {
		invite := byOwner
		invite.Action = "invite.created"
		token, _, err := t.CreateInvite(ctx, email(p.local), p.role, owner.ID, time.Hour, invite)
		if err != nil {
			return fmt.Errorf("demo: invite %s: %w", p.local, err)
		}
		if _, err := accept(token, p.local, p.name); err != nil {
			return err
		}
	}
	zone := byOwner
	zone.Action = "settings.changed"
	if err := t.SaveSettings(ctx, tenant.Settings{TwoFactorRequired: tenant.TwoFactorNobody, TimeZone: "Europe/Vilnius"}, zone); err != nil {
		return fmt.Errorf("demo: settings: %w", err) // the demo agency is in Vilnius (its billing address)
	}
	settings := byOwner
	settings.Action = "billing.settings"
	if err := t.SaveBillingSettings(ctx, demoBilling(agency.Slug), settings); err != nil {
		return fmt.Errorf("demo: billing settings: %w", err)
	}
	// The client sign-in is the portal client's contact; Generate asks
	// for it once the clients exist.
	var contact *tenant.User
	makeContact := func(ctx context.Context, clientID string) (*tenant.User, error) {
		invite := byOwner
		invite.Action, invite.Target = "contact.invited", email(demoContact.local)
		token, _, err := t.CreateContactInvite(ctx, tenant.Viewer{UserID: owner.ID}, clientID, email(demoContact.local), owner.ID, time.Hour, invite)
		if err != nil {
			return nil, fmt.Errorf("demo: invite %s: %w", demoContact.local, err)
		}
		contact, err = accept(token, demoContact.local, demoContact.name)
		return contact, err
	}

	fmt.Fprintf(stderr, "demo: generating %d clients, %d cases and %d events (seed %d)\n", size.Clients, size.Cases, size.Events, d.seed)
	progress := func(p demodata.Progress) {
		if p.Total > 0 {
			fmt.Fprintf(stderr, "demo: %s %d/%d (%s)\n", p.Stage, p.Done, p.Total, time.Since(start).Round(100*time.Millisecond))
		} else {
			fmt.Fprintf(stderr, "demo: %s (%s)\n", p.Stage, time.Since(start).Round(100*time.Millisecond))
		}
	}
	res, err := demodata.Generate(ctx, t, size, d.seed, progress, demodata.WithAgencyName(agency.Name), demodata.WithContact(makeContact))
	if err != nil {
		return fmt.Errorf("demo: generate data: %w", err)
	}
	if contact == nil {
		// No clients: the sign-in is a contact of none, as before.
		invite := byOwner
		invite.Action = "invite.created"
		token, _, err := t.CreateInvite(ctx, email(demoContact.local), demoContact.role, owner.ID, time.Hour, invite)
		if err != nil {
			return fmt.Errorf("demo: invite %s: %w", demoContact.local, err)
		}
		if _, err := accept(token, demoContact.local, demoContact.name); err != nil {
			return err
		}
	}

	base := a.baseURL + "/a/" + agency.Slug
	fmt.Fprintf(stdout, "Demo agency %q is ready: %s/login\n", agency.Name, base)
	fmt.Fprintf(stdout, "Password for every sign-in: %s\n", password)
	fmt.Fprintf(stdout, "  %-7s %s (%s)\n", tenant.RoleOwner, owner.Email, owner.Name)
	for _, p := range demoPeople {
		fmt.Fprintf(stdout, "  %-7s %s (%s)\n", p.role, email(p.local), p.name)
	}
	fmt.Fprintf(stdout, "  %-7s %s (%s)", demoContact.role, email(demoContact.local), demoContact.name)
	if res.PortalClientID != "" {
		fmt.Fprintf(stdout, ", contact of %s: the portal, %s/portal", res.PortalClientName, base)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "Created %d clients, %d cases, %d history events and %d notes in %s.\n",
		res.Clients, res.Cases, res.Events, res.Notes, time.Since(start).Round(100*time.Millisecond))
	if res.Cases > 0 {
		fmt.Fprintf(stdout, "Case numbers: %s to %s.\n", tenant.CaseNumber(res.FirstNumber), tenant.CaseNumber(res.LastNumber))
	}
	if res.LongCaseID != "" {
		fmt.Fprintf(stdout, "A case with %d history events: %s %s/cases/%s\n", demodata.LongHistory, tenant.CaseNumber(res.LongCaseNumber), base, res.LongCaseID)
	}
	if n := res.InvoiceCount(); n > 0 {
		fmt.Fprintf(stdout, "Invoices: %d (%s), %s, %s; %s/invoices\n", n, demoCounts(res.Invoices, demoInvoiceStates),
			plural(res.CreditNotes, "credit note"), plural(res.Payments, "payment"), base)
	}
	if n := res.RecurringCount(); n > 0 {
		fmt.Fprintf(stdout, "Recurring invoices: %d (%s); %s/recurring\n", n, demoCounts(res.Recurring, demoRecurringStates), base)
	}
	if res.Documents > 0 {
		fmt.Fprintf(stdout, "Documents: %d (PDFs, and images with thumbnails), %d of them shared with the client.\n", res.Documents, res.Shared)
	}
	return nil
}

// The states the counts are printed in, in this order.
var (
	demoInvoiceStates = []string{tenant.InvoiceDraft, tenant.InvoiceIssued, tenant.InvoiceOverdue, tenant.InvoicePartiallyPaid,
		tenant.InvoicePaid, tenant.InvoiceVoid}
	demoRecurringStates = []string{tenant.RecurringActive, tenant.RecurringPaused, tenant.RecurringEnded}
)

// plural is "1 payment", "2 payments".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// demoCounts is "3 draft, 12 issued, …" for the states with a count.
func demoCounts(counts map[string]int, states []string) string {
	var parts []string
	for _, s := range states {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(tenant.InvoiceStatusLabel(s))))
		}
	}
	return strings.Join(parts, ", ")
}

// demoPassword is a random password that reads well on a terminal: no
// look-alike characters.
func demoPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := []byte("demo-")
	for i, x := range b {
		if i > 0 && i%5 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(x)%len(alphabet)])
	}
	return string(out)
}
