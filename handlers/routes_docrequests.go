package handlers

// Documents asked for (docrequests.go): staff ask on a case and review what
// the client sends; the client sends one file against an item from the
// portal (streamed like every upload).
var docRequestRoutes = []Route{
	post("/a/:slug/cases/:id/docrequests", Staff, (*Handlers).DocRequestCreate),
	post("/a/:slug/cases/:id/docrequests/:req", Staff, (*Handlers).DocRequestUpdate),
	post("/a/:slug/cases/:id/docrequests/:req/withdraw", Staff, (*Handlers).DocRequestWithdraw),
	post("/a/:slug/cases/:id/docrequests/:req/accept", Staff, (*Handlers).DocRequestAccept),
	post("/a/:slug/cases/:id/docrequests/:req/return", Staff, (*Handlers).DocRequestReturn),
	post("/a/:slug/portal/cases/:id/docrequests/:req", ClientOnly, (*Handlers).PortalDocRequestUpload, Streams, Unqueued, NeedsSpace),
}
