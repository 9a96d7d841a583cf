package handlers

// Documents on cases: upload, preview, download, share, trash. Uploads
// stream to disk (see documents_stream.go); every download checks access.
var documentRoutes = []Route{
	{"POST", "/a/:slug/cases/:id/documents", Staff, (*Handlers).DocumentsUpload},
	{"GET", "/a/:slug/cases/:id/documents/:doc", Staff, (*Handlers).DocumentDownload},
	{"GET", "/a/:slug/cases/:id/documents/:doc/preview", Staff, (*Handlers).DocumentPreview},
	{"GET", "/a/:slug/cases/:id/documents/:doc/thumb", Staff, (*Handlers).DocumentThumb},
	{"POST", "/a/:slug/cases/:id/documents/:doc/share", Staff, (*Handlers).DocumentShare},
	{"POST", "/a/:slug/cases/:id/documents/:doc/delete", Staff, (*Handlers).DocumentDelete},
	{"POST", "/a/:slug/cases/:id/documents/:doc/restore", Owner, (*Handlers).DocumentRestore},
	{"GET", "/a/:slug/documents", Owner, (*Handlers).DocumentsStorage},
}
