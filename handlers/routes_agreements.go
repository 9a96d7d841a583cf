package handlers

// Agreements without a quote (issue 18 point 4): owners and admins keep
// the templates; staff write and send agreements; the client's contacts
// sign them in the portal, in order.
var agreementRoutes = []Route{
	get("/a/:slug/agreements", Staff, (*Handlers).AgreementsIndex),
	get("/a/:slug/agreements/templates", Admin, (*Handlers).AgreementTemplates),
	post("/a/:slug/agreements/templates", Admin, (*Handlers).AgreementTemplateCreate),
	get("/a/:slug/agreements/new", Staff, (*Handlers).AgreementNew),
	post("/a/:slug/agreements", Staff, (*Handlers).AgreementCreate),
	get("/a/:slug/agreements/:id", Staff, (*Handlers).AgreementShow),
	post("/a/:slug/agreements/:id/send", Staff, (*Handlers).AgreementSend),
	get("/a/:slug/agreements/:id/signed", Staff, (*Handlers).AgreementSignedPDF),

	get("/a/:slug/portal/agreements", ClientOnly, (*Handlers).PortalAgreements),
	get("/a/:slug/portal/agreements/:id", ClientOnly, (*Handlers).PortalAgreement),
	post("/a/:slug/portal/agreements/:id/code", ClientOnly, (*Handlers).PortalAgreementCode),
	post("/a/:slug/portal/agreements/:id/sign", ClientOnly, (*Handlers).PortalAgreementSign),
	get("/a/:slug/portal/agreements/:id/signed", ClientOnly, (*Handlers).PortalAgreementSignedPDF),
}
