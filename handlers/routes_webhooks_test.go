package handlers_test

// webhookMatrix says who may use each of routes_webhooks.go's routes.
var webhookMatrix = map[string]matrixRow{
	"GET /a/:slug/settings/webhooks":                                     {allowed: adminUp},
	"POST /a/:slug/settings/webhooks":                                    {allowed: adminUp},
	"GET /a/:slug/settings/webhooks/:id":                                 {allowed: adminUp},
	"POST /a/:slug/settings/webhooks/:id/pause":                          {allowed: adminUp},
	"POST /a/:slug/settings/webhooks/:id/resume":                         {allowed: adminUp},
	"POST /a/:slug/settings/webhooks/:id/rotate":                         {allowed: adminUp},
	"POST /a/:slug/settings/webhooks/:id/delete":                         {allowed: adminUp},
	"POST /a/:slug/settings/webhooks/:id/deliveries/:delivery/redeliver": {allowed: adminUp},
}
