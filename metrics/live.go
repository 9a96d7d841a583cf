package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	liveMu    sync.Mutex
	liveCount func() int

	liveRefused = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mintedmind_live_streams_refused_total",
		Help: "Live-update streams refused over the cap (per person or per machine); those tabs poll every 30 s instead.",
	})
)

func init() {
	Registry.MustRegister(liveRefused, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mintedmind_live_streams_open",
		Help: "Live-update streams (one per signed-in tab) open on this machine.",
	}, func() float64 {
		liveMu.Lock()
		defer liveMu.Unlock()
		if liveCount == nil {
			return 0
		}
		return float64(liveCount())
	}))
}

// TrackLiveStreams makes the open-streams gauge read count (the broker's
// Open); call the returned function when the server stops.
func TrackLiveStreams(count func() int) (untrack func()) {
	liveMu.Lock()
	liveCount = count
	liveMu.Unlock()
	return func() {
		liveMu.Lock()
		liveCount = nil
		liveMu.Unlock()
	}
}

// LiveStreamRefused counts a stream refused over the cap.
func LiveStreamRefused() { liveRefused.Inc() }
