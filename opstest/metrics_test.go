package opstest

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMetricsOfTheRealBinary scrapes /metrics from the private metrics
// address and, with the token, from the main one.
func TestMetricsOfTheRealBinary(t *testing.T) {
	metricsAddr := freeAddr(t)
	s := startServer(t, t.TempDir(), "-metrics-addr", metricsAddr, "-metrics-token", "s3cret-scrape-token")
	a := mustSignup(t, s.url(""), "metrics-a")
	a.get("/a/metrics-a/cases")

	scrape := func(url, token string) (int, string) {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	status, body := scrape("http://"+metricsAddr+"/metrics", "")
	if status != http.StatusOK {
		t.Fatalf("metrics address: status %d", status)
	}
	if !regexp.MustCompile(`(?m)^mintedmind_tenant_databases_open [1-9]`).MatchString(body) {
		t.Errorf("open tenant databases not counted:\n%s", grepLines(body, "tenant"))
	}
	for _, want := range []string{
		`mintedmind_http_requests_total{method="GET",route="/a/:slug/cases",status="200"} 1`,
		`mintedmind_http_requests_total{method="POST",route="/signup",status="303"} 1`,
		`mintedmind_emails_total{result="logged"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s\n%s", want, grepLines(body, "mintedmind_"))
		}
	}
	if status, _ := scrape(s.url("/metrics"), ""); status != http.StatusNotFound {
		t.Errorf("main address without the token: %d, want 404", status)
	}
	if status, body := scrape(s.url("/metrics"), "s3cret-scrape-token"); status != http.StatusOK || !strings.Contains(body, "mintedmind_http_requests_total") {
		t.Errorf("main address with the token: %d", status)
	}
	s.terminate()
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
