package handlers_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkOperatorHome measures the console's agency list: every row
// whose counts are over a minute old acquires the agency's database for
// them (a few at a time); within the minute the counts are reused.
func BenchmarkOperatorHome(b *testing.B) {
	t, e := mustBenchEnv(b)
	op := e.mustOperator(t)
	handler := e.app.Handler()
	cookie := ""
	for _, ck := range op.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: "/operator"})) {
		if ck.Name == "mm_operator" {
			cookie = "mm_operator=" + ck.Value
		}
	}
	made := 0
	// 40 agencies fit the test pool (50 open databases): the counts come
	// from open databases. 100 do not: most rows open a database cold.
	for _, n := range []int{40, 100} {
		for ; made < n; made++ {
			e.mustSignup(t, "opbench")
		}
		for _, fresh := range []bool{true, false} {
			name := strconv.Itoa(n) + " agencies, counted afresh"
			if !fresh {
				name = strconv.Itoa(n) + " agencies, counted within the minute"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if fresh {
						e.clock.Advance(61 * time.Second) // the counts of the last view are too old
					}
					var ctx fasthttp.RequestCtx
					ctx.Request.SetRequestURI("/operator")
					ctx.Request.Header.Set("Cookie", cookie)
					handler(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d", ctx.Response.StatusCode())
					}
				}
			})
		}
	}
}
