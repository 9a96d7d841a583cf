// Package metrics holds the binary's Prometheus metrics and the small
// functions the rest of the code calls to count things. Every metric lives
// in one registry (Registry), served at /metrics; names start mintedmind_.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is where every metric of the binary is registered; Handler serves it.
var Registry = prometheus.NewRegistry()

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_http_requests_total",
		Help: "HTTP requests answered, by route pattern (e.g. /a/:slug/cases/:id), method and status code.",
	}, []string{"route", "method", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mintedmind_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_job_runs_total",
		Help: "Job runs finished, by job and result (ok or failed).",
	}, []string{"job", "result"})
	jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mintedmind_job_duration_seconds",
		Help:    "How long job runs took, by job.",
		Buckets: prometheus.ExponentialBuckets(0.01, 4, 9), // 10 ms … 11 min
	}, []string{"job"})
	jobLastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mintedmind_job_last_success_timestamp_seconds",
		Help: "Unix time of each job's last successful run (alert when it grows old).",
	}, []string{"job"})
	emails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_emails_total",
		Help: "Email delivery attempts by result: sent, retry (failed, will retry), failed (given up), logged (no SMTP configured).",
	}, []string{"result"})
	paymentCallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_payment_callbacks_total",
		Help: "Payment provider callbacks by result: accepted, or refused (bad signature, unknown payment, replay…).",
	}, []string{"result"})
	placementRedirects = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_placement_replays_total",
		Help: "Requests for an agency placed on another machine, by how they were sent on: replay (fly-replay header) or forward (proxied).",
	}, []string{"how"})

	gaugeMu   sync.Mutex
	openFuncs = map[string]func() float64{}
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		httpRequests, httpDuration, jobRuns, jobDuration, jobLastSuccess, emails, paymentCallbacks, placementRedirects,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mintedmind_tenant_databases_open",
			Help: "Agency databases open in the tenant pool.",
		}, openTenants),
	)
	// Payment results exist from the start, so a rate() query sees a zero
	// rather than nothing before the first callback.
	for _, r := range []string{"accepted", "refused"} {
		paymentCallbacks.WithLabelValues(r)
	}
	for _, r := range []string{"sent", "retry", "failed", "logged"} {
		emails.WithLabelValues(r)
	}
}

// Handler serves the registry in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// Request counts one answered HTTP request. route is the route pattern,
// never the raw path, so ids do not make a series each; unmatched requests
// are counted under route "unmatched".
func Request(route, method string, status int, elapsed time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	httpDuration.WithLabelValues(route, method).Observe(elapsed.Seconds())
}

// JobRun counts one finished job run; failed is whether it returned an error.
func JobRun(job string, failed bool, elapsed time.Duration, finished time.Time) {
	result := "ok"
	if failed {
		result = "failed"
	} else {
		jobLastSuccess.WithLabelValues(job).Set(float64(finished.Unix()))
	}
	jobRuns.WithLabelValues(job, result).Inc()
	jobDuration.WithLabelValues(job).Observe(elapsed.Seconds())
}

// EmailSent counts an email handed to the SMTP server.
func EmailSent() { emails.WithLabelValues("sent").Inc() }

// EmailRetry counts a failed delivery attempt that will be retried.
func EmailRetry() { emails.WithLabelValues("retry").Inc() }

// EmailFailed counts an email given up on after its last attempt.
func EmailFailed() { emails.WithLabelValues("failed").Inc() }

// EmailLogged counts an email written to the log because no SMTP server is set.
func EmailLogged() { emails.WithLabelValues("logged").Inc() }

// PaymentCallback counts one payment provider callback; result is
// "accepted" or "refused".
func PaymentCallback(result string) {
	if result != "accepted" {
		result = "refused"
	}
	paymentCallbacks.WithLabelValues(result).Inc()
}

// PaymentCallbackAccepted counts a callback that was verified and applied.
func PaymentCallbackAccepted() { PaymentCallback("accepted") }

// PaymentCallbackRefused counts a callback refused (bad signature, unknown
// payment, replay, malformed body).
func PaymentCallbackRefused() { PaymentCallback("refused") }

// PlacementRedirect counts a request for an agency that lives on another
// machine; how is "replay" (fly-replay) or "forward" (proxied).
func PlacementRedirect(how string) { placementRedirects.WithLabelValues(how).Inc() }

// TrackOpenTenants makes the open-databases gauge read count; name tells
// sources apart (one per pool) and the gauge is their sum. Call the
// returned function when the pool closes.
func TrackOpenTenants(name string, count func() int) (untrack func()) {
	gaugeMu.Lock()
	openFuncs[name] = func() float64 { return float64(count()) }
	gaugeMu.Unlock()
	return func() {
		gaugeMu.Lock()
		delete(openFuncs, name)
		gaugeMu.Unlock()
	}
}

func openTenants() float64 {
	gaugeMu.Lock()
	defer gaugeMu.Unlock()
	var n float64
	for _, f := range openFuncs {
		n += f()
	}
	return n
}

// Value returns the current value of the counter or gauge name with exactly
// the given labels (0 when there is no such series), for tests and checks.
func Value(name string, labels map[string]string) float64 {
	families, err := Registry.Gather()
	if err != nil {
		return 0
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}
