package handlers_test

// billingMatrix says who may use each of routes_billing.go's routes.
var billingMatrix = map[string]matrixRow{}
