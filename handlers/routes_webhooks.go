package handlers

// webhookRoutes are Settings › Webhooks (issue 20 point 4), for owners
// and admins: another agency's endpoint or delivery id is not in this
// agency's database, so it is 404.
var webhookRoutes = []Route{
	get("/a/:slug/settings/webhooks", Admin, (*Handlers).Webhooks),
	post("/a/:slug/settings/webhooks", Admin, (*Handlers).WebhookCreate),
	get("/a/:slug/settings/webhooks/:id", Admin, (*Handlers).Webhook),
	post("/a/:slug/settings/webhooks/:id/pause", Admin, (*Handlers).WebhookPause),
	post("/a/:slug/settings/webhooks/:id/resume", Admin, (*Handlers).WebhookResume),
	post("/a/:slug/settings/webhooks/:id/rotate", Admin, (*Handlers).WebhookRotate),
	post("/a/:slug/settings/webhooks/:id/delete", Admin, (*Handlers).WebhookDelete),
	post("/a/:slug/settings/webhooks/:id/deliveries/:delivery/redeliver", Admin, (*Handlers).WebhookRedeliver),
}
