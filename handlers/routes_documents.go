package handlers

// Documents on cases: upload, preview, download, share, trash. Uploads
// stream to disk (see documents_stream.go); every download checks access.
var documentRoutes = []Route{
	post("/a/:slug/cases/:id/documents", Staff, (*Handlers).DocumentsUpload, Streams, Unqueued, NeedsSpace),
	get("/a/:slug/cases/:id/documents/:doc", Staff, (*Handlers).DocumentDownload),
	get("/a/:slug/cases/:id/documents/:doc/details", Staff, (*Handlers).DocumentPage),
	get("/a/:slug/cases/:id/documents/:doc/preview", Staff, (*Handlers).DocumentPreview),
	get("/a/:slug/cases/:id/documents/:doc/thumb", Staff, (*Handlers).DocumentThumb),
	post("/a/:slug/cases/:id/documents/:doc/share", Staff, (*Handlers).DocumentShare),
	post("/a/:slug/cases/:id/documents/:doc/delete", Staff, (*Handlers).DocumentDelete),
	post("/a/:slug/cases/:id/documents/:doc/restore", Owner, (*Handlers).DocumentRestore),
	get("/a/:slug/documents", Owner, (*Handlers).DocumentsStorage),
}
