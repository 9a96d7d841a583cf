package handlers_test

// opsMatrix says who may use each of routes_ops.go's routes.
var opsMatrix = map[string]matrixRow{}
