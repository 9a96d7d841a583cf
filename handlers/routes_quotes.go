package handlers

// Quotes (issue 18): staff draft, send, revise and withdraw them; the
// client's contacts open, choose optional lines, accept or decline them
// in the portal.
var quoteRoutes = []Route{
	get("/a/:slug/quotes", Staff, (*Handlers).QuotesIndex),
	get("/a/:slug/quotes/new", Staff, (*Handlers).QuoteNew),
	get("/a/:slug/quotes/line", Staff, (*Handlers).QuoteLine),
	post("/a/:slug/quotes", Staff, (*Handlers).QuoteCreate),
	get("/a/:slug/quotes/:id", Staff, (*Handlers).QuoteShow),
	get("/a/:slug/quotes/:id/edit", Staff, (*Handlers).QuoteEdit),
	get("/a/:slug/quotes/:id/pdf", Staff, (*Handlers).QuotePDF),
	post("/a/:slug/quotes/:id", Staff, (*Handlers).QuoteUpdate),
	post("/a/:slug/quotes/:id/send", Staff, (*Handlers).QuoteSend),
	post("/a/:slug/quotes/:id/revise", Staff, (*Handlers).QuoteRevise),
	post("/a/:slug/quotes/:id/withdraw", Staff, (*Handlers).QuoteWithdraw),
	post("/a/:slug/quotes/:id/delete", Staff, (*Handlers).QuoteDelete),
	post("/a/:slug/quotes/:id/answers", Staff, (*Handlers).QuoteAnswer),
	get("/a/:slug/quotes/:id/signed", Staff, (*Handlers).QuoteSignedPDF),
	get("/a/:slug/quotes/:id/documents/:doc", Staff, (*Handlers).QuoteDocument),

	get("/a/:slug/portal/quotes", ClientOnly, (*Handlers).PortalQuotes),
	get("/a/:slug/portal/quotes/:id", ClientOnly, (*Handlers).PortalQuote),
	get("/a/:slug/portal/quotes/:id/pdf", ClientOnly, (*Handlers).PortalQuotePDF),
	post("/a/:slug/portal/quotes/:id/choose", ClientOnly, (*Handlers).PortalQuoteChoose),
	post("/a/:slug/portal/quotes/:id/code", ClientOnly, (*Handlers).PortalQuoteCode),
	post("/a/:slug/portal/quotes/:id/accept", ClientOnly, (*Handlers).PortalQuoteAccept),
	post("/a/:slug/portal/quotes/:id/decline", ClientOnly, (*Handlers).PortalQuoteDecline),
	post("/a/:slug/portal/quotes/:id/questions", ClientOnly, (*Handlers).PortalQuoteQuestion),
	get("/a/:slug/portal/quotes/:id/signed", ClientOnly, (*Handlers).PortalQuoteSignedPDF),
	get("/a/:slug/portal/quotes/:id/documents/:doc", ClientOnly, (*Handlers).PortalQuoteDocument),

	// The public verify page: is this PDF exactly one the agency signed?
	get("/a/:slug/verify", AgencyPublic, (*Handlers).VerifyForm),
	post("/a/:slug/verify", AgencyPublic, (*Handlers).Verify),
}
