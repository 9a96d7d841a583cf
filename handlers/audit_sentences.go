package handlers

import (
	"strings"

	"mintedmind/db/tenant"
)

// The audit log reads as sentences ("Rūta turned on two-factor sign-in",
// "Jonas downloaded their own data"), with links to what they concern. A
// sentence is data, a list of parts, which partials/audit/sentence renders;
// the same parts joined are the CSV export's text. Every action the code
// writes has a phrase here (TestEveryAuditActionHasASentence reads the
// code for them).

// auditPart is a piece of an audit sentence: plain text, or a link when
// URL is set.
type auditPart struct {
	Text string
	URL  string
}

// auditText is a sentence's parts as plain text.
func auditText(parts []auditPart) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p.Text)
	}
	return sb.String()
}

// auditPhrase is how one action reads: a short label for the filter menu,
// and the sentence of an entry.
type auditPhrase struct {
	label string
	say   func(s *auditSentence)
}

// auditSentence builds the sentence of one agency audit entry.
type auditSentence struct {
	parts []auditPart
	e     tenant.Audit
	refs  *tenant.AuditRefs
	base  string // the agency's pages, /a/<slug>

	agencyName string // in the operator's log: the entry's agency
}

func (s *auditSentence) text(t string) { s.parts = append(s.parts, auditPart{Text: t}) }

func (s *auditSentence) link(t, url string) {
	if url == "" {
		s.text(t)
		return
	}
	s.parts = append(s.parts, auditPart{Text: t, URL: url})
}

// actor is who did it, linked to the log of what they did; the name the
// entry recorded is kept (a person renamed or erased later stays who they
// were then), and a system actor ("Retention policy", "Paysera") is named.
func (s *auditSentence) actor() {
	name := s.e.ActorName
	if name == "" && s.refs != nil {
		if p, ok := s.refs.People[s.e.ActorID]; ok {
			name = p.Name
		}
	}
	if name == "" {
		s.text("Someone")
		return
	}
	if s.e.ActorID != "" {
		s.link(name, s.base+"/audit?actor="+s.e.ActorID)
		return
	}
	s.text(name)
}

// person is the person the entry's target names (an id or an email): team
// members link to the team page, client contacts to their client's Portal
// tab; someone unknown is named by the target as recorded.
func (s *auditSentence) person() {
	p, ok := s.refs.People[s.e.Target]
	if !ok {
		p, ok = s.refs.People[strings.ToLower(s.e.Target)]
	}
	switch {
	case !ok && strings.Contains(s.e.Target, "@"):
		s.text(s.e.Target)
	case !ok:
		s.text("a person no longer here")
	case p.Role == tenant.RoleClient && p.ClientID != "":
		s.link(p.Name, s.base+"/clients/"+p.ClientID+"?tab=portal")
	case p.Role == tenant.RoleClient:
		s.text(p.Name)
	default:
		s.link(p.Name, s.base+"/users")
	}
}

// address is the target as an email address (an invitation's), with the
// person's name linked once they have an account; anything else reads
// "someone".
func (s *auditSentence) address() {
	if p, ok := s.refs.People[strings.ToLower(s.e.Target)]; ok && s.e.Target != "" {
		s.person()
		if !strings.EqualFold(p.Name, p.Email) {
			s.text(" (" + p.Email + ")")
		}
		return
	}
	if strings.Contains(s.e.Target, "@") {
		s.text(s.e.Target)
		return
	}
	s.text("someone")
}

// client is the client the target names, else fallback (its name as the
// entry recorded it, or a description of a client since erased).
func (s *auditSentence) client(fallback string) {
	if name, ok := s.refs.Clients[s.e.Target]; ok {
		s.link(name, s.base+"/clients/"+s.e.Target)
		return
	}
	s.text(fallback)
}

// invoice is "invoice INV-2026-0003" (or credit note), linked; a draft
// without a number, or one since deleted, is named from the detail.
func (s *auditSentence) invoice() {
	inv, ok := s.refs.Invoices[s.e.Target]
	if !ok {
		if s.e.Detail != "" && strings.Contains(s.e.Detail, "-") && !strings.Contains(s.e.Detail, " ") {
			s.text("invoice " + s.e.Detail)
			return
		}
		s.text("an invoice no longer here")
		return
	}
	what := "invoice "
	if inv.CreditNote {
		what = "credit note "
	}
	if inv.Number == "" {
		s.link("a draft "+strings.TrimSpace(what), s.base+"/invoices/"+inv.ID)
	} else {
		s.link(what+inv.Number, s.base+"/invoices/"+inv.ID)
	}
	if inv.ClientName != "" && !inv.CreditNote {
		s.text(" for ")
		s.link(inv.ClientName, s.base+"/clients/"+inv.ClientID)
	}
}

// document is the document the target names, linked to its case; one
// since purged is named from the detail ("C-0042: scan.pdf").
func (s *auditSentence) document() {
	if d, ok := s.refs.Documents[s.e.Target]; ok {
		s.link(d.Name, s.base+"/cases/"+d.CaseID+"#documents")
		if _, name, found := strings.Cut(s.e.Detail, ": "); found && name == d.Name {
			number, _, _ := strings.Cut(s.e.Detail, ": ")
			s.text(" on ")
			s.link(number, s.base+"/cases/"+d.CaseID)
		}
		return
	}
	s.text(orDefault(s.e.Detail, "a document no longer here"))
}

// recurring is the recurring invoice the target names.
func (s *auditSentence) recurring() {
	if r, ok := s.refs.Recurring[s.e.Target]; ok {
		s.link("the recurring invoice for "+orDefault(r.ClientName, "a client"), s.base+"/recurring/"+r.ID)
		return
	}
	s.text("a recurring invoice")
}

// detail adds ": detail" (or what before says, then the detail) when the
// entry has one.
func (s *auditSentence) detail(before string) {
	if s.e.Detail != "" {
		s.text(before + s.e.Detail)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// says is a phrase of the actor and fixed words.
func says(label, words string) auditPhrase {
	return auditPhrase{label, func(s *auditSentence) { s.actor(); s.text(" " + words) }}
}

// quoteSays is a quote action: the actor, the words, the quote's number
// (the entry's detail) linked to its page.
func quoteSays(label, words string) auditPhrase {
	return auditPhrase{label, func(s *auditSentence) {
		s.actor()
		s.text(" " + words)
		if s.e.Target != "" && s.e.Detail != "" {
			s.text(" ")
			s.link(s.e.Detail, s.base+"/quotes/"+s.e.Target)
		}
	}}
}

// agreementSays is quoteSays for agreements: the actor, the words and
// the agreement's title, linked.
func agreementSays(label, words string) auditPhrase {
	return auditPhrase{label, func(s *auditSentence) {
		s.actor()
		s.text(" " + words)
		if s.e.Target != "" && s.e.Detail != "" {
			s.text(" ")
			s.link(s.e.Detail, s.base+"/agreements/"+s.e.Target)
		}
	}}
}

// auditPhrases are the agency audit log's actions.
var auditPhrases = map[string]auditPhrase{
	// Signing in and out, accounts.
	"agency.created": says("Agency created", "created the agency"),
	"signin":         says("Signed in", "signed in"),
	"signout":        says("Signed out", "signed out"),
	"signin.failed": {"Wrong password", func(s *auditSentence) {
		s.text("Someone typed a wrong password for ")
		s.person()
	}},
	"signin.2fa_failed": {"Wrong two-factor code", func(s *auditSentence) {
		s.text("A wrong two-factor code was typed for ")
		s.person()
	}},
	"signin.recovery_code": {"Signed in with a recovery code", func(s *auditSentence) {
		s.person()
		s.text(" signed in with a recovery code")
	}},
	"session.revoked": says("Signed out another session", "signed out one of their other sessions"),
	"session.revoked_others": {"Signed out everywhere else", func(s *auditSentence) {
		s.actor()
		s.text(" signed out everywhere else")
		s.detail(" (")
		s.closeParen()
	}},
	"password.changed": says("Password changed", "changed their password"),
	"account.language": {"Language chosen", func(s *auditSentence) { s.actor(); s.text(" chose the language of their pages"); s.detail(": ") }},
	"password.reset": {"Password reset by email", func(s *auditSentence) {
		s.person()
		s.text(" set a new password from an emailed link")
	}},
	"2fa.enabled":               says("Two-factor sign-in turned on", "turned on two-factor sign-in"),
	"2fa.disabled":              says("Two-factor sign-in turned off", "turned off two-factor sign-in"),
	"2fa.recovery_codes":        says("New recovery codes", "made new recovery codes for two-factor sign-in"),
	"email_preferences.changed": says("Email preferences changed", "changed which emails they get"),
	"consent.changed":           {"Cookie choice changed", func(s *auditSentence) { s.actor(); s.text(" changed their cookie choice"); s.detail(": ") }},

	// The team.
	"invite.sent":    {"Team invitation sent", inviteSent},
	"invite.created": {"Team invitation made", inviteSent}, // by the demo command
	"invite.resent": {"Team invitation sent again", func(s *auditSentence) {
		s.actor()
		s.text(" sent the invitation to ")
		s.address()
		s.text(" again")
	}},
	"invite.revoked": {"Invitation withdrawn", func(s *auditSentence) {
		s.actor()
		s.text(" withdrew the invitation to ")
		s.address()
	}},
	"invite.accepted": {"Invitation accepted", func(s *auditSentence) {
		s.actor()
		if s.e.Detail == tenant.RoleClient {
			s.text(" accepted their invitation to the portal")
			if p, ok := s.refs.People[s.e.ActorID]; ok && p.ClientID != "" {
				s.text(" of ")
				s.link(orDefault(s.refs.Clients[p.ClientID], "their client"), s.base+"/clients/"+p.ClientID+"?tab=portal")
			}
			return
		}
		s.text(" accepted their invitation and joined the team as " + orDefault(s.e.Detail, "staff"))
	}},
	"user.role_changed": {"Role changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the role of ")
		s.person()
		s.detail(": ") // "staff → admin"
	}},
	"user.disabled": {"Account disabled", func(s *auditSentence) { s.actor(); s.text(" disabled the account of "); s.person() }},
	"user.enabled":  {"Account enabled", func(s *auditSentence) { s.actor(); s.text(" enabled the account of "); s.person() }},

	// Client contacts.
	"contact.invited": {"Portal invitation sent", func(s *auditSentence) {
		s.actor()
		s.text(" invited ")
		s.address()
		s.text(" to the portal")
	}},
	"contact.invite_resent": {"Portal invitation sent again", func(s *auditSentence) {
		s.actor()
		s.text(" sent the portal invitation to ")
		s.address()
		s.text(" again")
	}},
	"contact.invite_revoked": {"Portal invitation withdrawn", func(s *auditSentence) {
		s.actor()
		s.text(" withdrew the portal invitation to ")
		s.address()
	}},
	"contact.disabled": {"Portal account disabled", func(s *auditSentence) { s.actor(); s.text(" disabled the portal account of "); s.person() }},
	"contact.enabled":  {"Portal account enabled", func(s *auditSentence) { s.actor(); s.text(" enabled the portal account of "); s.person() }},

	// Clients.
	"client.created": {"Client added", func(s *auditSentence) {
		s.actor()
		s.text(" added the client ")
		s.client(orDefault(s.e.Detail, "a client since erased"))
	}},
	"client.updated": {"Client edited", func(s *auditSentence) {
		s.actor()
		s.text(" edited ")
		s.client("a client since erased")
		s.detail(": ")
	}},
	"client.archived": {"Client archived", func(s *auditSentence) { s.actor(); s.text(" archived "); s.client(orDefault(s.e.Detail, "a client")) }},
	"client.restored": {"Client restored", func(s *auditSentence) { s.actor(); s.text(" restored "); s.client(orDefault(s.e.Detail, "a client")) }},
	"client.imported": {"Clients imported", func(s *auditSentence) {
		s.actor()
		s.text(" imported " + orDefault(s.e.Detail, "clients") + " from a CSV file")
	}},
	"client.exported": {"Client's data exported", func(s *auditSentence) {
		s.actor()
		s.text(" exported everything about ")
		s.client("a client since erased")
	}},
	"client.erased": {"Client erased", func(s *auditSentence) {
		s.actor()
		s.text(" erased a client and everything about them")
		s.detail(": ")
	}},

	// Cases and documents.
	"cases.archived":  {"Closed cases archived", func(s *auditSentence) { s.actor(); s.text(" archived " + orDefault(s.e.Detail, "closed cases")) }},
	"document.shared": {"Document shared", func(s *auditSentence) { s.actor(); s.text(" shared "); s.document(); s.text(" with the client") }},
	"document.unshared": {"Document no longer shared", func(s *auditSentence) {
		s.actor()
		s.text(" stopped sharing ")
		s.document()
		s.text(" with the client")
	}},
	"document.deleted":  {"Document moved to the trash", func(s *auditSentence) { s.actor(); s.text(" moved "); s.document(); s.text(" to the trash") }},
	"document.restored": {"Document restored", func(s *auditSentence) { s.actor(); s.text(" restored "); s.document(); s.text(" from the trash") }},

	// Invoices and payments.
	"invoice.issued":        {"Invoice issued", func(s *auditSentence) { s.actor(); s.text(" issued "); s.invoice() }},
	"invoice.sent":          {"Invoice sent", func(s *auditSentence) { s.actor(); s.text(" sent "); s.invoice(); s.text(" by email") }},
	"invoice.reminder_sent": {"Payment reminder sent", func(s *auditSentence) { s.actor(); s.text(" sent a payment reminder for "); s.invoice() }},
	"invoice.voided": {"Invoice voided", func(s *auditSentence) {
		s.actor()
		s.text(" voided ")
		s.invoice()
		s.detail(": ")
	}},
	"invoice.draft_deleted": {"Draft invoice deleted", func(s *auditSentence) {
		s.actor()
		s.text(" deleted a draft invoice")
		s.detail(" (")
		s.closeParen()
	}},
	"invoice.credit_note_created": {"Credit note made", func(s *auditSentence) {
		s.actor()
		s.text(" made ")
		s.invoice()
		s.detail(" ")
	}},
	"quote.created":     quoteSays("Quote drafted", "drafted a quote"),
	"quote.updated":     quoteSays("Quote draft changed", "changed the draft"),
	"quote.sent":        quoteSays("Quote sent", "sent the quote"),
	"quote.revised":     quoteSays("Quote revised", "started a new version:"),
	"quote.withdrawn":   quoteSays("Quote withdrawn", "withdrew the quote"),
	"quote.accepted":    quoteSays("Quote accepted", "accepted the quote"),
	"quote.declined":    quoteSays("Quote declined", "declined the quote"),
	"agreement.created": agreementSays("Agreement drafted", "drafted the agreement"),
	"agreement.sent":    agreementSays("Agreement sent", "sent the agreement"),
	"agreement.signed":  agreementSays("Agreement signed", "signed the agreement"),
	"agreement_template.created": {"Agreement template added", func(s *auditSentence) {
		s.actor()
		s.text(" added the agreement template")
		s.detail(" ")
	}},
	"quote.draft_deleted": {"Quote draft deleted", func(s *auditSentence) {
		s.actor()
		s.text(" deleted a quote draft")
		s.detail(" (")
		s.closeParen()
	}},
	"time.invoiced": {"Time invoiced", func(s *auditSentence) {
		s.actor()
		s.text(" invoiced unbilled time on ")
		s.invoice()
		s.detail(" (")
		s.closeParen()
	}},
	"rate.changed": {"Hourly rate changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the hourly rate of ")
		s.person()
		s.detail(" (minor units: ")
		s.closeParen()
	}},
	"case.rate_changed": {"Case hourly rate changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the hourly rate of ")
		s.link("a case", s.base+"/cases/"+s.e.Target)
		s.detail(": ")
	}},
	"api_token.created": {"API token made", func(s *auditSentence) {
		s.actor()
		s.text(" made an API token")
		s.detail(": ")
	}},
	"api_token.revoked": {"API token revoked", func(s *auditSentence) {
		s.actor()
		s.text(" revoked the API token")
		s.detail(" ")
	}},
	"webhook.created":        webhookPhrase("Webhook endpoint added", " added the webhook endpoint "),
	"webhook.paused":         webhookPhrase("Webhook endpoint paused", " paused the webhook endpoint "),
	"webhook.updated":        webhookPhrase("Webhook endpoint changed", " changed the webhook endpoint "),
	"webhook.resumed":        webhookPhrase("Webhook endpoint resumed", " resumed the webhook endpoint "),
	"webhook.deleted":        webhookPhrase("Webhook endpoint deleted", " deleted the webhook endpoint "),
	"webhook.secret_rotated": webhookPhrase("Webhook secret rotated", " gave a new signing secret to the webhook endpoint "),
	"webhook.redelivered":    webhookPhrase("Webhook sent again", " sent again the webhook delivery "),
	"webhook.disabled":       webhookPhrase("Webhook endpoint disabled", " disabled a webhook endpoint "),
	"calendar.feed_created": {"Calendar address made", func(s *auditSentence) {
		s.actor()
		s.text(" made a new secret calendar address")
		s.detail(" (")
		s.closeParen()
	}},
	"calendar.feed_revoked": {"Calendar address turned off", func(s *auditSentence) {
		s.actor()
		s.text(" turned off a calendar address")
		s.detail(" (")
		s.closeParen()
	}},
	"time.released": {"Time unbilled again", func(s *auditSentence) {
		s.actor()
		s.text(" released the time billed on ")
		s.invoice()
		s.detail(" (")
		s.closeParen()
	}},
	"payment.recorded": {"Payment recorded", func(s *auditSentence) {
		s.actor()
		s.text(" recorded a payment")
		if amount := strings.Fields(s.e.Detail); len(amount) > 0 {
			s.text(" of " + amount[0])
			if len(amount) > 1 && len(amount[1]) == 3 && strings.ToUpper(amount[1]) == amount[1] {
				s.text(" " + amount[1])
			}
		}
		s.text(" on ")
		s.invoice()
	}},
	"payment.overpaid": {"Overpayment received", func(s *auditSentence) {
		s.actor()
		s.text(" took an overpayment")
		if amount := strings.Fields(s.e.Detail); len(amount) > 1 {
			s.text(" of " + amount[0] + " " + amount[1])
		}
		s.text(" for ")
		s.invoice()
		s.text(", to refund or credit")
	}},
	"overpayment.settled": {"Overpayment settled", func(s *auditSentence) {
		s.actor()
		if f := strings.Fields(s.e.Detail); len(f) > 2 {
			s.text(" marked an overpayment of " + f[0] + " " + f[1] + " " + f[2] + " for ")
		} else {
			s.text(" settled an overpayment for ")
		}
		s.invoice()
	}},
	"recurring.created": {"Recurring invoice set up", func(s *auditSentence) { s.actor(); s.text(" set up "); s.recurring(); s.detail(", ") }},
	"recurring.changed": {"Recurring invoice changed", func(s *auditSentence) { s.actor(); s.text(" changed "); s.recurring(); s.detail(": ") }},
	"recurring.paused":  {"Recurring invoice paused", func(s *auditSentence) { s.actor(); s.text(" paused "); s.recurring() }},
	"recurring.resumed": {"Recurring invoice resumed", func(s *auditSentence) { s.actor(); s.text(" resumed "); s.recurring() }},
	"recurring.skipped": {"Recurring invoice skipped a period", func(s *auditSentence) { s.actor(); s.text(" skipped the next period of "); s.recurring() }},
	"recurring.stopped": {"Recurring invoice ended by hand", func(s *auditSentence) { s.actor(); s.text(" ended "); s.recurring(); s.detail(" ") }},
	"recurring.deleted": {"Recurring invoice deleted", func(s *auditSentence) {
		s.actor()
		s.text(" deleted a recurring invoice")
		s.detail(" (")
		s.closeParen()
	}},
	"recurring.ended": {"Recurring invoice ended", func(s *auditSentence) { s.recurring(); s.capitalize(); s.text(" ended"); s.detail(": ") }},

	// Requests and messages (issue 16).
	"message.hidden": {"Client's message hidden", func(s *auditSentence) {
		s.actor()
		s.text(" hid a client's message on ")
		s.link("a case", s.base+"/cases/"+s.e.Target)
		s.text(" from the client")
		s.detail(": ")
	}},
	"request_type.created":  {"Request type added", func(s *auditSentence) { s.actor(); s.text(" added a request type"); s.detail(": ") }},
	"request_type.changed":  {"Request type changed", func(s *auditSentence) { s.actor(); s.text(" changed a request type"); s.detail(": ") }},
	"request_type.archived": {"Request type archived", func(s *auditSentence) { s.actor(); s.text(" archived a request type"); s.detail(": ") }},
	"request_type.moved":    {"Request type moved", func(s *auditSentence) { s.actor(); s.text(" moved a request type"); s.detail(": ") }},

	// Tax (issue 22).
	"tax.default_changed":     {"Default VAT rate changed", func(s *auditSentence) { s.actor(); s.text(" changed the default VAT rate"); s.detail(" to ") }},
	"tax_preset.created":      {"Tax preset added", func(s *auditSentence) { s.actor(); s.text(" added a tax preset"); s.detail(": ") }},
	"tax_preset.archived":     {"Tax preset archived", func(s *auditSentence) { s.actor(); s.text(" archived a tax preset"); s.detail(": ") }},
	"tax_preset.changed":      {"Tax preset changed", func(s *auditSentence) { s.actor(); s.text(" changed a tax preset"); s.detail(": ") }},
	"catalogue_item.created":  {"Catalogue item added", func(s *auditSentence) { s.actor(); s.text(" added a catalogue item"); s.detail(": ") }},
	"catalogue_item.changed":  {"Catalogue item changed", func(s *auditSentence) { s.actor(); s.text(" changed a catalogue item"); s.detail(": ") }},
	"catalogue_item.archived": {"Catalogue item archived", func(s *auditSentence) { s.actor(); s.text(" archived a catalogue item"); s.detail(": ") }},

	// Settings and the agency.
	"settings.changed": {"Settings changed", func(s *auditSentence) { s.actor(); s.text(" changed the agency's settings"); s.detail(": ") }},
	"branding.changed": {"Branding changed", func(s *auditSentence) { s.actor(); s.text(" changed the branding"); s.detail(": ") }},
	"email.text_changed": {"Email changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the words of an email")
		s.detail(": ")
	}},
	"email.opted_out": {"Emails turned off", func(s *auditSentence) {
		s.text("Someone turned off a kind of email with the link in one")
		s.detail(": ")
	}},
	"billing.settings": says("Billing details changed", "changed the billing details on invoices"),
	"plan.changed":     {"Plan changed", func(s *auditSentence) { s.actor(); s.text(" chose the plan " + orDefault(s.e.Target, "")) }},
	"privacy.notice_published": {"Privacy notice published", func(s *auditSentence) {
		s.actor()
		s.text(" published ")
		s.link("the privacy notice for clients", s.base+"/privacy-notice")
		s.detail(" (")
		s.closeParen()
	}},
	"privacy.notice_withdrawn":  says("Privacy notice withdrawn", "withdrew the privacy notice for clients"),
	"privacy.settings_changed":  {"Privacy settings changed", func(s *auditSentence) { s.actor(); s.text(" changed how long records are kept"); s.detail(": ") }},
	"agency.archive_downloaded": says("Agency archive downloaded", "downloaded the archive of the whole agency"),
	"agency.restored":           says("Agency restored from its archive", "restored the agency from its archive"),
	"retention.warning": {"Retention warning", func(s *auditSentence) {
		s.actor()
		s.text(" warned that the agency is inactive")
		s.detail(" (")
		s.closeParen()
	}},

	// People's own data.
	"privacy.profile_corrected":  says("Name corrected", "corrected their name"),
	"privacy.data_downloaded":    says("Own data downloaded", "downloaded their own data"),
	"privacy.deletion_requested": says("Account deletion asked for", "asked for their account to be deleted"),
	"privacy.deletion_carried_out": {"Account deleted on request", func(s *auditSentence) {
		s.actor()
		s.text(" deleted, as they had asked, the account of ")
		s.person()
	}},
	"privacy.deletion_declined": {"Account deletion declined", func(s *auditSentence) {
		s.actor()
		s.text(" declined the request of ")
		s.person()
		s.text(" to delete their account")
	}},
}

// inviteSent is the sentence of a team invitation: the detail is the role.
func inviteSent(s *auditSentence) {
	s.actor()
	s.text(" invited ")
	s.address()
	role := s.e.Detail
	if !tenant.ValidRole(role) {
		role = "staff"
	}
	s.text(" to the team as " + role)
}

// closeParen ends a detail opened with " (".
func (s *auditSentence) closeParen() {
	if s.e.Detail != "" {
		s.text(")")
	}
}

// capitalize makes the sentence start with a capital letter.
func (s *auditSentence) capitalize() {
	if len(s.parts) > 0 && s.parts[0].Text != "" {
		s.parts[0].Text = strings.ToUpper(s.parts[0].Text[:1]) + s.parts[0].Text[1:]
	}
}

// auditSentenceOf is entry e as a sentence; an action without a phrase
// (none in the code, as a test checks) reads "<who> did <action>".
func auditSentenceOf(e tenant.Audit, refs *tenant.AuditRefs, base string) []auditPart {
	s := &auditSentence{e: e, refs: refs, base: base}
	if p, ok := auditPhrases[e.Action]; ok {
		p.say(s)
	} else {
		s.actor()
		s.text(" did " + e.Action)
		s.detail(": ")
	}
	s.capitalize()
	return s.parts
}

// auditLabel is an action's name in the filter menu.
func auditLabel(action string) string {
	if p, ok := auditPhrases[action]; ok {
		return p.label
	}
	return action
}

// webhookPhrase is the sentence of a Settings › Webhooks action: who did
// it, linked to the endpoint's page, and the address (the detail).
func webhookPhrase(label, did string) auditPhrase {
	return auditPhrase{label, func(s *auditSentence) {
		s.actor()
		s.text(did)
		s.link(s.e.Detail, s.base+"/settings/webhooks/"+s.e.Target)
	}}
}
