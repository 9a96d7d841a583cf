package handlers

// Documents on cases: upload, preview, download, trash.
var documentRoutes = []Route{}
