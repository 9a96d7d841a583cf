package handlers

import (
	"strings"

	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// The audit log reads as sentences ("Rūta turned on two-factor sign-in",
// "Jonas downloaded their own data"), with links to what they concern, in
// the viewer's language. A sentence is data, a list of parts, which
// partials/audit/sentence renders; the same parts joined are the CSV
// export's text. Each action's sentence is the catalogue message
// "audit.say.<action>" with slots ({{.Actor}}, {{.Invoice}}, …) that
// become links, so a language puts them in its own order; its name in
// the filter menu is "audit.label.<action>". Every action the code writes
// has a phrase here (TestEveryAuditActionHasASentence reads the code for
// them).

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

// auditPhrase is how one operator action reads: a short label for the
// filter menu, and the sentence of an entry (the console is English).
type auditPhrase struct {
	label string
	say   func(s *auditSentence)
}

// agencyPhrase is how one agency action reads: the message
// "audit.say.<action>" (or what say writes), then the entry's detail
// after tail (": ", " (" closed by ")", " " or ", ") when it has one.
type agencyPhrase struct {
	tail string
	say  func(s *auditSentence)
}

// auditSentence builds the sentence of one audit entry.
type auditSentence struct {
	parts []auditPart
	e     tenant.Audit
	refs  *tenant.AuditRefs
	base  string // the agency's pages, /a/<slug>
	lang  string // the viewer's language ("" in the operator's English console)

	agencyName string // in the operator's log: the entry's agency
}

func (s *auditSentence) text(t string) {
	if t != "" {
		s.parts = append(s.parts, auditPart{Text: t})
	}
}

func (s *auditSentence) link(t, url string) {
	if url == "" || t == "" {
		s.text(t)
		return
	}
	s.parts = append(s.parts, auditPart{Text: t, URL: url})
}

// t is message id in the sentence's language.
func (s *auditSentence) t(id string, args ...any) string { return i18n.T(s.lang, id, args...) }

// auditSlotMark brackets a slot's name in a message before its parts
// replace it (a byte no catalogue text holds).
const auditSlotMark = "\x00"

// say appends message id in the sentence's language with each
// {{.Name}} of it replaced by the parts slots[Name] adds (a link, a
// person): the words around them are the language's, in its order.
func (s *auditSentence) say(id string, slots map[string]func()) {
	args := make([]any, 0, 2*len(slots))
	for name := range slots {
		args = append(args, name, auditSlotMark+name+auditSlotMark)
	}
	msg := s.t(id, args...)
	for {
		before, rest, found := strings.Cut(msg, auditSlotMark)
		s.text(before)
		if !found {
			return
		}
		name, after, _ := strings.Cut(rest, auditSlotMark)
		if fill := slots[name]; fill != nil {
			fill()
		}
		msg = after
	}
}

// slots are the parts an agency sentence may name; say fills only those
// its message has.
func (s *auditSentence) slots() map[string]func() {
	return map[string]func(){
		"Actor":     s.actor,
		"Person":    s.person,
		"Address":   s.address,
		"Client":    func() { s.client(s.t("audit.client_gone")) },
		"ClientOr":  func() { s.client(orDefault(s.e.Detail, s.t("audit.client_gone"))) }, // the detail is its name
		"Invoice":   s.invoice,
		"Document":  s.document,
		"Recurring": s.recurring,
		"Quote":     func() { s.linkDetail("/quotes/") },
		"Agreement": func() { s.linkDetail("/agreements/") },
		"Endpoint":  func() { s.link(s.e.Detail, s.base+"/settings/webhooks/"+s.e.Target) },
		"Case":      func() { s.link(s.t("audit.a_case"), s.base+"/cases/"+s.e.Target) },
		"Notice":    func() { s.link(s.t("audit.the_notice"), s.base+"/privacy-notice") },
		"Role":      func() { s.text(roleName(s.lang, s.role())) },
		"Plan":      func() { s.text(s.e.Target) },
		"Detail":    func() { s.text(s.e.Detail) },
		"Amount":    s.amount,
	}
}

// linkDetail is the detail (a quote's number, an agreement's title)
// linked to the target's page under path.
func (s *auditSentence) linkDetail(path string) {
	if s.e.Target != "" && s.e.Detail != "" {
		s.link(s.e.Detail, s.base+path+s.e.Target)
	}
}

// role is the role the detail names, staff when it names none.
func (s *auditSentence) role() string {
	if tenant.ValidRole(s.e.Detail) {
		return s.e.Detail
	}
	return tenant.RoleStaff
}

// amount is the amount a payment's detail starts with ("1911.50 EUR …"),
// with its currency when the next word is one.
func (s *auditSentence) amount() {
	f := strings.Fields(s.e.Detail)
	if len(f) == 0 {
		return
	}
	a := f[0]
	if len(f) > 1 && len(f[1]) == 3 && strings.ToUpper(f[1]) == f[1] {
		a += " " + f[1]
	}
	s.text(a)
}

// systemActors are the names the code records for what no person did
// (ActorName without ActorID), each with its catalogue message.
var systemActors = map[string]string{
	"Retention":         "audit.actor.retention",
	"Retention policy":  "audit.actor.retention_policy",
	"Recurring invoice": "audit.actor.recurring",
	"Invoice reminders": "audit.actor.reminders",
	"Webhook delivery":  "audit.actor.webhooks",
	"Platform operator": "audit.actor.operator",
	"Paysera":           "audit.actor.paysera",
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
		s.text(s.t("audit.someone"))
		return
	}
	if s.e.ActorID != "" {
		s.link(name, s.base+"/audit?actor="+s.e.ActorID)
		return
	}
	if id, ok := systemActors[name]; ok {
		name = s.t(id)
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
		s.text(s.t("audit.person_gone"))
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
	s.text(s.t("audit.someone_lower"))
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

// invoice is "invoice INV-2026-0003 for Acme" (or credit note), linked; a
// draft without a number, or one since deleted, is named from the detail.
func (s *auditSentence) invoice() {
	inv, ok := s.refs.Invoices[s.e.Target]
	if !ok {
		if s.e.Detail != "" && strings.Contains(s.e.Detail, "-") && !strings.Contains(s.e.Detail, " ") {
			s.text(s.t("audit.invoice_numbered", "Number", s.e.Detail))
			return
		}
		s.text(s.t("audit.invoice_gone"))
		return
	}
	named := func() {
		switch {
		case inv.Number == "" && inv.CreditNote:
			s.link(s.t("audit.credit_note_draft"), s.base+"/invoices/"+inv.ID)
		case inv.Number == "":
			s.link(s.t("audit.invoice_draft"), s.base+"/invoices/"+inv.ID)
		case inv.CreditNote:
			s.link(s.t("audit.credit_note_numbered", "Number", inv.Number), s.base+"/invoices/"+inv.ID)
		default:
			s.link(s.t("audit.invoice_numbered", "Number", inv.Number), s.base+"/invoices/"+inv.ID)
		}
	}
	if inv.ClientName == "" || inv.CreditNote {
		named()
		return
	}
	s.say("audit.invoice_for", map[string]func(){"Invoice": named, "Client": func() { s.link(inv.ClientName, s.base+"/clients/"+inv.ClientID) }})
}

// document is the document the target names, linked to its case; one
// since purged is named from the detail ("C-0042: scan.pdf").
func (s *auditSentence) document() {
	d, ok := s.refs.Documents[s.e.Target]
	if !ok {
		s.text(orDefault(s.e.Detail, s.t("audit.document_gone")))
		return
	}
	named := func() { s.link(d.Name, s.base+"/cases/"+d.CaseID+"#documents") }
	number, name, found := strings.Cut(s.e.Detail, ": ")
	if !found || name != d.Name {
		named()
		return
	}
	s.say("audit.document_on", map[string]func(){"Document": named, "Case": func() { s.link(number, s.base+"/cases/"+d.CaseID) }})
}

// recurring is the recurring invoice the target names.
func (s *auditSentence) recurring() {
	if r, ok := s.refs.Recurring[s.e.Target]; ok {
		s.link(s.t("audit.recurring_for", "Client", orDefault(r.ClientName, s.t("audit.a_client"))), s.base+"/recurring/"+r.ID)
		return
	}
	s.text(s.t("audit.recurring_gone"))
}

// detail adds ": detail" (or what before says, then the detail) when the
// entry has one.
func (s *auditSentence) detail(before string) {
	if s.e.Detail != "" {
		s.text(before + s.e.Detail)
	}
}

// closeParen ends a detail opened with " (".
func (s *auditSentence) closeParen() {
	if s.e.Detail != "" {
		s.text(")")
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// auditPhrases are the agency audit log's actions; an empty phrase is
// its message alone.
var auditPhrases = map[string]agencyPhrase{
	// Signing in and out, accounts.
	"agency.created":            {},
	"signin":                    {},
	"signout":                   {},
	"signin.failed":             {},
	"signin.2fa_failed":         {},
	"signin.recovery_code":      {},
	"session.revoked":           {},
	"session.revoked_others":    {tail: " ("},
	"password.changed":          {},
	"account.language":          {tail: ": "},
	"password.reset":            {},
	"2fa.enabled":               {},
	"2fa.disabled":              {},
	"2fa.recovery_codes":        {},
	"email_preferences.changed": {},
	"consent.changed":           {tail: ": "},

	// The team.
	"invite.sent":    {},
	"invite.created": {}, // by the demo command
	"invite.resent":  {},
	"invite.revoked": {},
	"invite.accepted": {say: func(s *auditSentence) {
		if s.e.Detail != tenant.RoleClient {
			s.say("audit.say.invite.accepted", s.slots())
			return
		}
		p, ok := s.refs.People[s.e.ActorID]
		if !ok || p.ClientID == "" {
			s.say("audit.say.invite.accepted_portal", s.slots())
			return
		}
		slots := s.slots()
		slots["Client"] = func() {
			s.link(orDefault(s.refs.Clients[p.ClientID], s.t("audit.their_client")), s.base+"/clients/"+p.ClientID+"?tab=portal")
		}
		s.say("audit.say.invite.accepted_portal_of", slots)
	}},
	"user.role_changed": {tail: ": "}, // "staff → admin"
	"user.disabled":     {},
	"user.enabled":      {},

	// Client contacts.
	"contact.invited":        {},
	"contact.invite_resent":  {},
	"contact.invite_revoked": {},
	"contact.disabled":       {},
	"contact.enabled":        {},

	// Clients.
	"client.created":  {},
	"client.updated":  {tail: ": "},
	"client.archived": {},
	"client.restored": {},
	"client.imported": {say: func(s *auditSentence) { s.sayIfDetail("audit.say.client.imported") }},
	"client.exported": {},
	"client.erased":   {tail: ": "},

	// Cases and documents.
	"cases.archived":    {say: func(s *auditSentence) { s.sayIfDetail("audit.say.cases.archived") }},
	"document.shared":   {},
	"document.unshared": {},
	"document.deleted":  {},
	"document.restored": {},

	// Invoices and payments.
	"invoice.issued":              {},
	"invoice.sent":                {},
	"invoice.reminder_sent":       {},
	"invoice.voided":              {tail: ": "},
	"invoice.draft_deleted":       {tail: " ("},
	"invoice.credit_note_created": {tail: " "},
	"quote.created":               {},
	"quote.updated":               {},
	"quote.sent":                  {},
	"quote.revised":               {},
	"quote.withdrawn":             {},
	"quote.accepted":              {},
	"quote.declined":              {},
	"agreement.created":           {},
	"agreement.sent":              {},
	"agreement.signed":            {},
	"agreement_template.created":  {tail: " "},
	"quote.draft_deleted":         {tail: " ("},
	"time.invoiced":               {tail: " ("},
	"rate.changed":                {say: func(s *auditSentence) { s.sayIfDetail("audit.say.rate.changed") }},
	"case.rate_changed":           {tail: ": "},
	"api_token.created":           {tail: ": "},
	"api_token.revoked":           {tail: " "},
	"webhook.created":             {},
	"webhook.paused":              {},
	"webhook.updated":             {},
	"webhook.resumed":             {},
	"webhook.deleted":             {},
	"webhook.secret_rotated":      {},
	"webhook.redelivered":         {},
	"webhook.disabled":            {},
	"calendar.feed_created":       {tail: " ("},
	"calendar.feed_revoked":       {tail: " ("},
	"time.released":               {tail: " ("},
	"payment.recorded":            {say: func(s *auditSentence) { s.sayIfDetail("audit.say.payment.recorded") }},
	"payment.overpaid": {say: func(s *auditSentence) {
		if len(strings.Fields(s.e.Detail)) > 1 {
			s.say("audit.say.payment.overpaid_amount", s.slots())
			return
		}
		s.say("audit.say.payment.overpaid", s.slots())
	}},
	"overpayment.settled": {say: func(s *auditSentence) {
		f := strings.Fields(s.e.Detail)
		if len(f) < 3 {
			s.say("audit.say.overpayment.settled", s.slots())
			return
		}
		slots := s.slots()
		slots["Amount"] = func() { s.text(f[0] + " " + f[1]) }
		slots["How"] = func() { s.text(f[2]) }
		s.say("audit.say.overpayment.settled_amount", slots)
	}},
	"recurring.created": {tail: ", "},
	"recurring.changed": {tail: ": "},
	"recurring.paused":  {},
	"recurring.resumed": {},
	"recurring.skipped": {},
	"recurring.stopped": {tail: " "},
	"recurring.deleted": {tail: " ("},
	"recurring.ended":   {tail: ": "},

	// Requests and messages (issue 16).
	"message.hidden":        {tail: ": "},
	"request_type.created":  {tail: ": "},
	"request_type.changed":  {tail: ": "},
	"request_type.archived": {tail: ": "},
	"request_type.moved":    {tail: ": "},

	// Tax (issue 22).
	"tax.default_changed":     {say: func(s *auditSentence) { s.sayIfDetail("audit.say.tax.default_changed") }},
	"tax_preset.created":      {tail: ": "},
	"tax_preset.archived":     {tail: ": "},
	"tax_preset.changed":      {tail: ": "},
	"catalogue_item.created":  {tail: ": "},
	"catalogue_item.changed":  {tail: ": "},
	"catalogue_item.archived": {tail: ": "},

	// Settings and the agency.
	"settings.changed": {say: func(s *auditSentence) {
		s.say("audit.say.settings.changed", s.slots())
		kvs, ok := tenant.ParseSettingsDetail(s.e.Detail)
		if !ok {
			s.detail(": ")
			return
		}
		parts := make([]string, len(kvs))
		for i, kv := range kvs {
			value := kv[1]
			switch kv[0] {
			case "language":
				value = i18n.LanguageName(value)
			case "time_zone":
			default: // a choice: its words
				value = s.t("audit.setting." + kv[0] + "." + value)
			}
			parts[i] = s.t("audit.setting."+kv[0], "Value", value)
		}
		s.text(": " + strings.Join(parts, "; "))
	}},
	"branding.changed":          {tail: ": "},
	"email.text_changed":        {tail: ": "},
	"email.opted_out":           {tail: ": "},
	"billing.settings":          {},
	"plan.changed":              {},
	"privacy.notice_published":  {tail: " ("},
	"privacy.notice_withdrawn":  {},
	"privacy.settings_changed":  {tail: ": "},
	"agency.archive_downloaded": {},
	"agency.restored":           {},
	"retention.warning":         {tail: " ("},

	// People's own data.
	"privacy.profile_corrected":    {},
	"privacy.data_downloaded":      {},
	"privacy.deletion_requested":   {},
	"privacy.deletion_carried_out": {},
	"privacy.deletion_declined":    {},
}

// sayIfDetail is message id with the detail in it ({{.Detail}} or an
// amount read from it), or id+"_plain" for an entry without one.
func (s *auditSentence) sayIfDetail(id string) {
	if s.e.Detail == "" {
		id += "_plain"
	}
	s.say(id, s.slots())
}

// capitalize makes the sentence start with a capital letter.
func (s *auditSentence) capitalize() {
	if len(s.parts) > 0 && s.parts[0].Text != "" {
		r := []rune(s.parts[0].Text)
		s.parts[0].Text = strings.ToUpper(string(r[:1])) + string(r[1:])
	}
}

// auditSentenceOf is entry e as a sentence in lang; an action without a
// phrase (none in the code, as a test checks) reads "<who> did <action>".
func auditSentenceOf(e tenant.Audit, refs *tenant.AuditRefs, base, lang string) []auditPart {
	s := &auditSentence{e: e, refs: refs, base: base, lang: lang}
	p, ok := auditPhrases[e.Action]
	switch {
	case !ok:
		s.say("audit.say_unknown", map[string]func(){"Actor": s.actor, "Action": func() { s.text(e.Action) }})
		s.detail(": ")
	case p.say != nil:
		p.say(s)
	default:
		s.say("audit.say."+e.Action, s.slots())
	}
	s.closeGaps()
	if ok && p.tail != "" && e.Detail != "" {
		s.detail(p.tail)
		if p.tail == " (" {
			s.closeParen()
		}
	}
	s.capitalize()
	return s.parts
}

// closeGaps joins the words around a slot left empty (a quote without a
// number): "sent the quote" with no space doubled or left at the end.
func (s *auditSentence) closeGaps() {
	var out []auditPart
	for _, p := range s.parts {
		if n := len(out); n > 0 && p.URL == "" && out[n-1].URL == "" {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	for i := range out {
		if out[i].URL == "" {
			out[i].Text = strings.ReplaceAll(out[i].Text, "  ", " ")
		}
	}
	if n := len(out); n > 0 && out[n-1].URL == "" {
		out[n-1].Text = strings.TrimRight(out[n-1].Text, " ")
	}
	s.parts = out
}

// auditLabel is an action's name in the filter menu, in lang.
func auditLabel(lang, action string) string {
	if _, ok := auditPhrases[action]; ok {
		return i18n.T(lang, "audit.label."+action)
	}
	return action
}
