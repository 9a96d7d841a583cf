package handlers_test

// documentMatrix says who may use each of routes_documents.go's routes.
var documentMatrix = map[string]matrixRow{}
