package handlers

// requestRoutes are issue 16's requests and conversations: the portal's
// requests and messages, the staff's inbox and replies, and the request
// types in Settings. Posts that may carry files read them into memory
// within the body limit (a message's attachments are small), so they are
// not Streams rows; a suspended agency's contact is refused them like any
// post (the portal stays readable).
var requestRoutes = []Route{
	// The portal.
	get("/a/:slug/portal/requests", ClientOnly, (*Handlers).PortalRequests),
	get("/a/:slug/portal/requests/new", ClientOnly, (*Handlers).PortalRequestNew),
	post("/a/:slug/portal/requests", ClientOnly, (*Handlers).PortalRequestCreate, NeedsSpace),
	get("/a/:slug/portal/cases/:id/thread", ClientOnly, (*Handlers).PortalThread),
	get("/a/:slug/portal/cases/:id/messages/:msg/edit", ClientOnly, (*Handlers).PortalMessageEdit),
	post("/a/:slug/portal/cases/:id/messages/:msg", ClientOnly, (*Handlers).PortalMessageUpdate),
	get("/a/:slug/portal/cases/:id/documents/:doc/thumb", ClientOnly, (*Handlers).PortalDocumentThumb),

	// Staff.
	get("/a/:slug/inbox", Staff, (*Handlers).Inbox),
	get("/a/:slug/inbox/count", Staff, (*Handlers).InboxCount),
	get("/a/:slug/cases/:id/thread", Staff, (*Handlers).CaseThread),
	post("/a/:slug/cases/:id/messages", Staff, (*Handlers).MessageCreate, NeedsSpace),
	post("/a/:slug/cases/:id/messages/:msg/hide", Staff, (*Handlers).MessageHide),

	// Admins: the request types clients choose from.
	get("/a/:slug/settings/requests", Admin, (*Handlers).RequestTypes),
	post("/a/:slug/settings/requests", Admin, (*Handlers).RequestTypeCreate),
	get("/a/:slug/settings/requests/:id", Admin, (*Handlers).RequestTypeEdit),
	post("/a/:slug/settings/requests/:id", Admin, (*Handlers).RequestTypeUpdate),
	post("/a/:slug/settings/requests/:id/archive", Admin, (*Handlers).RequestTypeArchive),
	post("/a/:slug/settings/requests/:id/move", Admin, (*Handlers).RequestTypeMove),
}
