package handlers_test

// emailMatrix says who may use each of routes_email.go's routes: anyone
// holding the link (a forged token gets a 400 page, which the matrix
// counts as the handler speaking).
var emailMatrix = map[string]matrixRow{
	"GET /a/:slug/email/unsubscribe/:token":  {allowed: everyone},
	"POST /a/:slug/email/unsubscribe/:token": {allowed: everyone},
}
