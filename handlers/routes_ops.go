package handlers

// Operations: metrics and other operator-facing endpoints outside the console.
var opsRoutes = []Route{
	// Prometheus metrics, for a scraper holding METRICS_TOKEN (see Metrics).
	{"GET", "/metrics", External, (*Handlers).Metrics},
}
