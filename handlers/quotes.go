package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// quoteBase is the URL of the request's agency's quote list.
func quoteBase(r *Request) string { return "/a/" + r.Agency.Slug + "/quotes" }

// quoteListRow is a quote version in a list, with display strings.
type quoteListRow struct {
	URL, Label, ClientName, State, StateLabel, ValidUntil string
	Lang                                                  string // the viewer's language
	Total                                                 amount
	Superseded                                            bool
}

func (h *Handlers) quoteRows(r *Request, base string, rows []tenant.QuoteRow) []quoteListRow {
	today := h.invoiceToday(r)
	out := make([]quoteListRow, len(rows))
	for i, q := range rows {
		state := q.DisplayState(today)
		out[i] = quoteListRow{URL: base + "/" + q.ID, Label: q.Label(), ClientName: q.ClientName, State: state,
			StateLabel: quoteStateLabel(r.Lang(), state), ValidUntil: q.ValidUntil, Lang: r.Lang(), Total: r.money(q.Total, q.Currency), Superseded: q.Superseded}
	}
	return out
}

// quotesIndexView is the staff list of quotes.
type quotesIndexView struct {
	Page
	Base string
	Rows []quoteListRow
}

// QuotesIndex lists the quote versions the person may see, newest first.
func (h *Handlers) QuotesIndex(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rows, err := r.Tenant.Quotes(c.UserContext(), v, tenant.QuoteFilter{})
	if err != nil {
		return err
	}
	base := quoteBase(r)
	return h.page(c, "pages/quotes/index", &quotesIndexView{Page: Page{Title: "nav.Quotes"}, Base: base, Rows: h.quoteRows(r, base, rows)})
}

// quoteFormView is the quote editor (new and edit).
type quoteFormView struct {
	Page
	FormErrors
	Form         quoteForm
	Lines        []*quoteLineRow
	Quote        *tenant.Quote // the draft, when editing
	Clients      []option
	Cases        []option
	Currencies   []option
	DepositKinds []option
	CaseStarts   []option // what acceptance does to a case: nothing, or a status
	Recurrings   []option // the schedule acceptance starts: none, or a frequency
	Base         string
	LineURL      string
	Action       string
	Cancel       string
	Picker       *cataloguePicker // the catalogue's items (catalogue_pick.go); nil: none
}

// quoteLineRow is one line of the quote editor (partials/quotes/line).
type quoteLineRow struct {
	Page
	Line    quoteLineForm
	LineURL string
}

func (h *Handlers) quoteFormView(c *fiber.Ctx, r *Request, form quoteForm, q *tenant.Quote) (*quoteFormView, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, err
	}
	clients, err := r.Tenant.CaseClientChoices(c.UserContext(), v, "", caseClientChoices)
	if err != nil {
		return nil, err
	}
	options := make([]option, 0, len(clients))
	for _, cl := range clients {
		options = append(options, option{cl.ID, cl.Name, cl.ID == form.ClientID})
	}
	if form.tax == nil {
		if form.tax, err = loadInvoiceTax(c, r); err != nil {
			return nil, err
		}
		if err := form.tax.keepArchived(c, r, form.invoiceLines()); err != nil {
			return nil, err
		}
	}
	if len(form.Lines) == 0 {
		form.Lines = []quoteLineForm{{invoiceLineForm: invoiceLineForm{Quantity: "1", VAT: form.tax.newLineVAT(), Discount: "0"}}}
	}
	base := quoteBase(r)
	view := &quoteFormView{Page: Page{Title: "quotes.new"}, Form: form, Clients: options, Currencies: currencyOptions(form.Currency),
		Cases: invoiceCaseOptions(c.UserContext(), r, v, form.ClientID, form.CaseID), Base: base, LineURL: base + "/line", Action: base, Cancel: base}
	for _, k := range []string{tenant.DepositNone, tenant.DepositPercent, tenant.DepositAmount} {
		label := map[string]string{tenant.DepositNone: "quotes.no_deposit", tenant.DepositPercent: "quotes.deposit_percent", tenant.DepositAmount: "quotes.deposit_amount"}[k]
		view.DepositKinds = append(view.DepositKinds, option{k, i18n.T(r.Lang(), label), k == form.DepositKind})
	}
	lang := r.Lang()
	view.CaseStarts = append(view.CaseStarts, option{"", i18n.T(lang, "quotes.start_case_none"), form.StartCaseStatus == ""})
	for _, s := range tenant.CaseStatuses {
		view.CaseStarts = append(view.CaseStarts, option{s, i18n.T(lang, "quotes.start_case_to", "Status", i18n.T(lang, tenant.CaseStatusLabel(s))), s == form.StartCaseStatus})
	}
	view.Recurrings = append(view.Recurrings, option{"", i18n.T(lang, "quotes.start_recurring_none"), form.StartRecurring == ""})
	for _, f := range tenant.QuoteRecurringFrequencies {
		view.Recurrings = append(view.Recurrings, option{f, i18n.T(lang, "quotes.start_recurring_every", "Frequency", i18n.T(lang, "quotes.frequency."+f)), f == form.StartRecurring})
	}
	for _, l := range form.Lines {
		view.Lines = append(view.Lines, form.tax.quoteLineRow(r.Lang(), view.LineURL, l))
	}
	if view.Picker, err = newCataloguePicker(c, r, view.LineURL, "#quote-lines"); err != nil {
		return nil, err
	}
	if q != nil {
		page := base + "/" + q.ID
		view.Title, view.Action, view.Cancel, view.Quote = i18n.T(r.Lang(), "cases.edit_n", "Number", q.Label()), page, page, q
	}
	return view, nil
}

// QuoteNew shows the editor of a new draft; ?client= and ?case= preset it.
func (h *Handlers) QuoteNew(c *fiber.Ctx, r *Request) error {
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	today, _ := billing.ParseDate(h.invoiceToday(r))
	form := quoteForm{ClientID: strings.TrimSpace(c.Query("client")), CaseID: strings.TrimSpace(c.Query("case")), Currency: s.Currency,
		ValidUntil: today.AddDate(0, 0, 30).Format(billing.DateLayout), DepositKind: tenant.DepositNone}
	view, err := h.quoteFormView(c, r, form, nil)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/quotes/new", "pages/quotes/new", view, nil)
}

// QuoteLine is one empty editor line ("Add a line", htmx), or a catalogue
// item's (?catalogue_item=, catalogue_pick.go); ?remove=1 answers nothing,
// which removes a line.
func (h *Handlers) QuoteLine(c *fiber.Ctx, r *Request) error {
	if c.Query("remove") != "" {
		c.Type("html", "utf-8")
		return c.SendString("")
	}
	tax, err := loadInvoiceTax(c, r)
	if err != nil {
		return err
	}
	line, err := pickedLine(c, r, tax)
	if err != nil {
		return err
	}
	return h.fragment(c, "partials/quotes/line", tax.quoteLineRow(r.Lang(), quoteBase(r)+"/line", quoteLineForm{invoiceLineForm: line}))
}

// QuoteCreate saves a draft; bad input shows the editor again with a
// message on each field, and writes nothing.
func (h *Handlers) QuoteCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form, err := quoteFormFor(c, r)
	if err != nil {
		return err
	}
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.quoteFormView(c, r, more, nil)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/quotes/new", "pages/quotes/new", view, nil)
	}
	in, errs := form.input()
	var q *tenant.Quote
	if len(errs) == 0 {
		q, err = r.Tenant.CreateQuote(c.UserContext(), v, caseActor(r), in, auditFor(c, "quote.created", ""))
	} else {
		err = apperr.FieldErrors(errs)
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.quoteFormView(c, r, form.withErrors(translatedFields(r.Lang(), err)), nil)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/quotes/new", "pages/quotes/new", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.draft_saved_send"))
	return h.redirect(c, quoteBase(r)+"/"+q.ID)
}

// staffQuote loads the URL's quote for the signed-in staff member.
func (h *Handlers) staffQuote(c *fiber.Ctx, r *Request) (*tenant.Quote, tenant.Viewer, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, v, err
	}
	q, err := r.Tenant.Quote(c.UserContext(), v, c.Params("id"))
	return q, v, err
}

// QuoteEdit shows the editor of a draft; a sent quote is never edited.
func (h *Handlers) QuoteEdit(c *fiber.Ctx, r *Request) error {
	q, _, err := h.staffQuote(c, r)
	if err != nil {
		return err
	}
	if q.State != tenant.QuoteDraft {
		return apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "quotes.sent_never_changed", "Label", q.Label()))
	}
	view, err := h.quoteFormView(c, r, quoteFormOf(q.QuoteInput), q)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/quotes/edit", "pages/quotes/edit", view, nil)
}

// QuoteUpdate saves a draft's changes.
func (h *Handlers) QuoteUpdate(c *fiber.Ctx, r *Request) error {
	q, v, err := h.staffQuote(c, r)
	if err != nil {
		return err
	}
	form, err := quoteFormFor(c, r)
	if err != nil {
		return err
	}
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.quoteFormView(c, r, more, q)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/quotes/edit", "pages/quotes/edit", view, nil)
	}
	in, errs := form.input()
	if len(errs) == 0 {
		err = r.Tenant.UpdateQuoteDraft(c.UserContext(), v, q.ID, in, auditFor(c, "quote.updated", ""))
	} else {
		err = apperr.FieldErrors(errs)
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.quoteFormView(c, r, form.withErrors(translatedFields(r.Lang(), err)), q)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/quotes/edit", "pages/quotes/edit", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.draft_saved"))
	return h.redirect(c, quoteBase(r)+"/"+q.ID)
}

// quoteView is a quote version with its display strings, for both sides.
type quoteView struct {
	*tenant.Quote
	URL, Title, State, StateLabel, CaseURL, CaseLabel string
	Lang                                              string // the viewer's language
	Subtotal, VAT, Total, Deposit                     amount
	TotalDiscount                                     amount // what the discount on the total takes off (without VAT)
	TotalDiscountRate                                 string // "5%", "" for none
	Groups                                            []invoiceGroupView
	Lines                                             []quoteShownLine
	TaxNotes                                          []string // the legal notes of the chosen lines' tax presets
	Answerable                                        bool     // the client may still accept or decline
	AcceptedAt                                        string
	Starts                                            []string // what acceptance starts, as sentences (staff)
	Started                                           []quoteStartedLink
}

// quoteStartedLink is one thing the acceptance started, with its page
// (staff's or the portal's).
type quoteStartedLink struct {
	Kind, URL string // Kind: "deposit", "case", "recurring"
}

// quoteShownLine is one line of a quote as its page shows it.
type quoteShownLine struct {
	Index                      int
	Description, Quantity, VAT string
	Discount                   string // "10%", "" for none
	Price, Net                 amount
	Optional, Chosen           bool
	ChoiceID                   string // the checkbox's id in the portal
}

// quoteStateLabel names a quote's state in lang.
func quoteStateLabel(lang, state string) string { return i18n.T(lang, "quote.state."+state) }

func (h *Handlers) newQuoteView(r *Request, base string, q *tenant.Quote) quoteView {
	today := h.invoiceToday(r)
	tot := tenant.QuoteTotals(q.Lines, q.DiscountBP)
	state := q.DisplayState(today)
	v := quoteView{Lang: r.Lang(), Quote: q, URL: base + "/" + q.ID, Title: q.Label(), State: state, StateLabel: quoteStateLabel(r.Lang(), state),
		Subtotal: r.money(tot.Subtotal, q.Currency), VAT: r.money(tot.VAT, q.Currency), Total: r.money(tot.Total, q.Currency),
		Deposit:    r.money(q.Deposit(), q.Currency),
		Answerable: (q.State == tenant.QuoteSent || q.State == tenant.QuoteViewed) && state != tenant.QuoteExpired && q.SupersededAt.IsZero()}
	if !q.SupersededAt.IsZero() {
		v.StateLabel += " " + i18n.T(r.Lang(), "quoteview.replaced_later")
	}
	if q.DiscountBP > 0 {
		v.TotalDiscountRate = billing.FormatRate(q.DiscountBP) + "%"
		v.TotalDiscount = r.money(tenant.QuoteTotals(q.Lines, 0).Subtotal-tot.Subtotal, q.Currency)
	}
	for _, g := range tot.ByRate {
		v.Groups = append(v.Groups, invoiceGroupView{billing.FormatRate(g.RateBP) + "%", r.money(g.Net, q.Currency), r.money(g.VAT, q.Currency)})
	}
	v.TaxNotes = tenant.QuoteTaxNotes(q.Lines)
	for i, l := range q.Lines {
		sl := quoteShownLine{Index: i, Description: l.Description, Quantity: billing.FormatQuantity(l.QuantityMilli), VAT: billing.FormatRate(l.VATRateBP) + "%",
			Price: r.money(l.UnitPrice, ""), Net: r.money(l.Net()-l.Discount(l.DiscountBP), ""), Optional: l.Optional, Chosen: l.Chosen || !l.Optional,
			ChoiceID: "chosen-" + strconv.Itoa(i)}
		if l.DiscountBP > 0 {
			sl.Discount = billing.FormatRate(l.DiscountBP) + "%"
		}
		v.Lines = append(v.Lines, sl)
	}
	if q.Acceptance != nil {
		v.AcceptedAt = q.Acceptance.AcceptedAt.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	v.Starts, v.Started = quoteStarts(r, q)
	return v
}

// quoteStarts says what q's acceptance starts (for staff, in their language) and links what
// it started, to the staff pages or, for a contact, the portal's (the
// deposit invoice and the case; the schedule has no portal page).
func quoteStarts(r *Request, q *tenant.Quote) ([]string, []quoteStartedLink) {
	var starts []string
	lang := r.Lang()
	if q.Starts.Deposit {
		starts = append(starts, i18n.T(lang, "quotes.start_deposit"))
	}
	if s := q.Starts.CaseStatus; s != "" {
		id := "quotes.start_open_case"
		if q.CaseID != "" {
			id = "quotes.start_move_case"
		}
		starts = append(starts, i18n.T(lang, id, "Status", i18n.T(lang, tenant.CaseStatusLabel(s))))
	}
	if f := q.Starts.Recurring; f != "" {
		starts = append(starts, i18n.T(lang, "quotes.start_schedule", "Frequency", i18n.T(lang, "quotes.frequency."+f)))
	}
	portal := r.User != nil && r.User.Role == tenant.RoleClient
	var started []quoteStartedLink
	if id := q.Started.DepositInvoiceID; id != "" {
		url := invoiceBase(r) + "/" + id
		if portal {
			url = portalBase(r) + "/invoices/" + id
		}
		started = append(started, quoteStartedLink{"deposit", url})
	}
	if id := q.Started.CaseID; id != "" {
		url := caseBase(r) + "/" + id
		if portal {
			url = portalBase(r) + "/cases/" + id
		}
		started = append(started, quoteStartedLink{"case", url})
	}
	if id := q.Started.RecurringID; id != "" && !portal {
		started = append(started, quoteStartedLink{"recurring", recurringBase(r) + "/" + id})
	}
	return starts, started
}

// quoteShowView is a quote's staff page.
type quoteShowView struct {
	Page
	Error     string
	Base      string
	Quote     quoteView
	Versions  []quoteListRow
	History   []quoteEventView
	Messages  []quoteMessageView
	CanEdit   bool
	CanSend   bool
	CanRevise bool
	CanWithdr bool
}

// QuoteShow is a quote version's page: lines, totals, its versions, its
// history, the acceptance and the actions its state allows.
func (h *Handlers) QuoteShow(c *fiber.Ctx, r *Request) error {
	return h.quoteShowPage(c, r, nil)
}

func (h *Handlers) quoteShowPage(c *fiber.Ctx, r *Request, actionErr error) error {
	q, v, err := h.staffQuote(c, r)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	base := quoteBase(r)
	view := &quoteShowView{Page: Page{Title: q.Label()}, Base: base, Quote: h.newQuoteView(r, base, q)}
	if q.Number != "" {
		rows, err := r.Tenant.Quotes(ctx, v, tenant.QuoteFilter{Number: q.Number})
		if err != nil {
			return err
		}
		view.Versions = h.quoteRows(r, base, rows)
	}
	if view.History, err = quoteTimeline(ctx, r, v, q.ID, false); err != nil {
		return err
	}
	if view.Messages, err = quoteThreadOf(ctx, r, v, view.Quote.URL, q); err != nil {
		return err
	}
	view.CanEdit = q.State == tenant.QuoteDraft
	view.CanSend = view.CanEdit
	view.CanWithdr = q.State == tenant.QuoteSent || q.State == tenant.QuoteViewed
	view.CanRevise = q.State != tenant.QuoteDraft && q.State != tenant.QuoteAccepted && q.State != tenant.QuoteWithdrawn && q.SupersededAt.IsZero()
	if actionErr != nil {
		view.Error = apperr.MessageOf(actionErr)
		c.Status(statusOf[apperr.CodeOf(actionErr)])
	}
	return h.page(c, "pages/quotes/show", view)
}

// QuoteSend sends a draft: its number (or, for a revision, the quote's),
// and the earlier version replaced.
func (h *Handlers) QuoteSend(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	q, err := r.Tenant.SendQuote(c.UserContext(), v, caseActor(r), r.Agency.Name, c.Params("id"), h.invoiceToday(r), auditFor(c, "quote.sent", ""))
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			return h.quoteShowPage(c, r, err)
		}
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.sent_flash", "Label", q.Label()))
	return h.redirect(c, quoteBase(r)+"/"+q.ID)
}

// QuoteRevise starts the next version of a sent quote.
func (h *Handlers) QuoteRevise(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	q, err := r.Tenant.ReviseQuote(c.UserContext(), v, caseActor(r), c.Params("id"), auditFor(c, "quote.revised", ""))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.quoteShowPage(c, r, err)
		}
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.revised_flash", "Label", q.Label()))
	return h.redirect(c, quoteBase(r)+"/"+q.ID+"/edit")
}

// QuoteWithdraw takes back a sent quote the client has not answered.
func (h *Handlers) QuoteWithdraw(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if err := r.Tenant.WithdrawQuote(c.UserContext(), v, caseActor(r), id, auditFor(c, "quote.withdrawn", "")); err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.quoteShowPage(c, r, err)
		}
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.withdrawn_flash"))
	return h.redirect(c, quoteBase(r)+"/"+id)
}

// QuotePDF downloads a quote version's PDF.
func (h *Handlers) QuotePDF(c *fiber.Ctx, r *Request) error {
	q, _, err := h.staffQuote(c, r)
	if err != nil {
		return err
	}
	return h.sendQuotePDF(c, r, q)
}

// sendQuotePDF answers with the quote's PDF as an attachment (staff and
// the portal, each having loaded q with its own access).
func (h *Handlers) sendQuotePDF(c *fiber.Ctx, r *Request, q *tenant.Quote) error {
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	if s.Logo, err = r.Tenant.PDFLogo(c.UserContext()); err != nil {
		return err
	}
	pdf, err := app.QuotePDF(q, s, r.Agency.Name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+app.QuoteFilename(q)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

// QuoteDelete deletes a draft (after QuoteDeleteConfirm asked).
func (h *Handlers) QuoteDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.DeleteQuoteDraft(c.UserContext(), v, c.Params("id"), auditFor(c, "quote.draft_deleted", "")); err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.quoteShowPage(c, r, err)
		}
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.draft_deleted"))
	return h.redirect(c, quoteBase(r))
}
