package handlers_test

// taxMatrix says who may use each of routes_tax.go's routes.
var taxMatrix = map[string]matrixRow{
	"GET /a/:slug/settings/tax":                      {allowed: adminUp},
	"POST /a/:slug/settings/tax":                     {allowed: adminUp},
	"POST /a/:slug/settings/tax/presets":             {allowed: adminUp},
	"POST /a/:slug/settings/tax/presets/:id/archive": {allowed: adminUp},
	"GET /a/:slug/settings/tax/presets/:id":          {allowed: adminUp},
	"POST /a/:slug/settings/tax/presets/:id":         {allowed: adminUp},
	"GET /a/:slug/settings/catalogue":                {allowed: adminUp},
	"POST /a/:slug/settings/catalogue":               {allowed: adminUp},
	"GET /a/:slug/settings/catalogue/:id":            {allowed: adminUp},
	"POST /a/:slug/settings/catalogue/:id":           {allowed: adminUp},
	"POST /a/:slug/settings/catalogue/:id/archive":   {allowed: adminUp},
}
