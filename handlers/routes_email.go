package handlers

// emailRoutes are the one-click opt-out of notification email (email.go):
// the page a person opens, and the POST a mail client sends on its own
// (RFC 8058), which carries no session or CSRF token: the signed token in
// the path is its authority; and the agency's own words in its emails
// (email_texts.go), for owners and admins.
var emailRoutes = []Route{
	get("/a/:slug/email/unsubscribe/:token", AgencyPublic, (*Handlers).EmailUnsubscribeForm),
	post("/a/:slug/email/unsubscribe/:token", Callback, (*Handlers).EmailUnsubscribe, WritableWhenSuspended),

	get("/a/:slug/settings/emails", Admin, (*Handlers).EmailTexts),
	get("/a/:slug/settings/emails/:kind", Admin, (*Handlers).EmailText),
	post("/a/:slug/settings/emails/:kind", Admin, (*Handlers).EmailTextUpdate),
	get("/a/:slug/settings/emails/:kind/preview", Admin, (*Handlers).EmailTextPreview),
}
