package handlers

// Operations: metrics and other operator-facing endpoints outside the console.
var opsRoutes = []Route{
	// Prometheus metrics, for a scraper holding METRICS_TOKEN (see Metrics).
	get("/metrics", External, (*Handlers).Metrics, Unqueued),
}
