package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStorageMetricsAreServed: the health monitor's readings of free
// space, reserve, read-only volumes, faults and degraded agencies appear
// on /metrics under their names.
func TestStorageMetricsAreServed(t *testing.T) {
	StorageVolume("test-volume", 8<<20, 64<<20, 16<<20, true)
	StorageLow(true)
	StorageFault("full")
	AgenciesDegraded(2)
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`mintedmind_storage_free_bytes{volume="test-volume"} 8.388608e+06`,
		`mintedmind_storage_size_bytes{volume="test-volume"} 6.7108864e+07`,
		`mintedmind_storage_reserve_bytes{volume="test-volume"} 1.6777216e+07`,
		`mintedmind_storage_read_only{volume="test-volume"} 1`,
		`mintedmind_storage_low 1`,
		`mintedmind_storage_faults_total{kind="full"}`,
		`mintedmind_storage_faults_total{kind="unwritable"} 0`,
		`mintedmind_agencies_degraded 2`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	StorageLow(false)
	AgenciesDegraded(0)
}
