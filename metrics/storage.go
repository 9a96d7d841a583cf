package metrics

import "github.com/prometheus/client_golang/prometheus"

// Storage health (package health): free space against the reserve, read-only
// volumes, storage faults met by writes, degraded agencies.
var (
	storageFree = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mintedmind_storage_free_bytes",
		Help: "Free space available to the server on the filesystem of each watched directory (data; control when elsewhere).",
	}, []string{"volume"})
	storageSize = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mintedmind_storage_size_bytes",
		Help: "Size of the filesystem of each watched directory.",
	}, []string{"volume"})
	storageReserve = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mintedmind_storage_reserve_bytes",
		Help: "Free space kept in reserve: below it uploads and imports are refused (-storage-reserve).",
	}, []string{"volume"})
	storageReadOnly = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mintedmind_storage_read_only",
		Help: "1 while the volume takes no writes (mounted read-only, or the write probe fails).",
	}, []string{"volume"})
	storageLow = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "mintedmind_storage_low",
		Help: "1 while free space is below the reserve or a write found the disk full.",
	})
	storageFaults = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mintedmind_storage_faults_total",
		Help: "Storage errors met by requests and jobs, by kind: full, unwritable, corrupt, none (a missing agency database).",
	}, []string{"kind"})
	agenciesDegraded = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "mintedmind_agencies_degraded",
		Help: "Agencies whose database is damaged or failed a migration, refused until restored.",
	})
)

func init() {
	Registry.MustRegister(storageFree, storageSize, storageReserve, storageReadOnly, storageLow, storageFaults, agenciesDegraded)
	for _, k := range []string{"full", "unwritable", "corrupt"} {
		storageFaults.WithLabelValues(k)
	}
}

// StorageVolume records one check of a watched directory's filesystem.
func StorageVolume(volume string, free, size, reserve uint64, readOnly bool) {
	storageFree.WithLabelValues(volume).Set(float64(free))
	storageSize.WithLabelValues(volume).Set(float64(size))
	storageReserve.WithLabelValues(volume).Set(float64(reserve))
	storageReadOnly.WithLabelValues(volume).Set(boolValue(readOnly))
}

// StorageLow records whether free space is below the reserve.
func StorageLow(low bool) { storageLow.Set(boolValue(low)) }

// StorageFault counts one storage error met by a request or job.
func StorageFault(kind string) { storageFaults.WithLabelValues(kind).Inc() }

// AgenciesDegraded records how many agencies are degraded.
func AgenciesDegraded(n int) { agenciesDegraded.Set(float64(n)) }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
