package handlers_test

// shellMatrix says who may use the shell's rows (routes_shell.go).
var shellMatrix = map[string]matrixRow{
	"GET /robots.txt":             {allowed: everyone},
	"GET /sitemap.xml":            {allowed: everyone},
	"GET /a/:slug/search/suggest": {allowed: []string{staff, admin, owner}},
}
