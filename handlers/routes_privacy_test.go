package handlers_test

// privacyMatrix says who may use each of routes_privacy.go's routes.
var privacyMatrix = map[string]matrixRow{}
