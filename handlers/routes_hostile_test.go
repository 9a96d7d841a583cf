package handlers_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/handlers"
)

// Every route, given ids that are not ids (a word, dots, an overlong
// string, a quote), answers with a page or a refusal, never a 5xx, for
// each caller the route lets in.
func TestRoutesRefuseHostileIDs(t *testing.T) {
	t.Parallel()
	f := mustMatrixFixture(t)
	param := regexp.MustCompile(`:[a-z]+`)
	for _, bad := range []string{"x", "..", "%2e%2e%2fcontrol.db", strings.Repeat("9", 300), "1'%20OR%20'1'%3D'1", "-1"} {
		for _, r := range handlers.Routes {
			p := strings.Replace(r.Path, ":slug", f.a.Slug, 1)
			if !param.MatchString(p) {
				continue
			}
			p = param.ReplaceAllString(p, bad)
			for _, who := range routeMatrix[r.Method+" "+r.Path].allowed {
				t.Run(r.Method+" "+r.Path+" as "+who+" with "+bad, func(t *testing.T) {
					c := f.signedIn(t, who)
					var res *response
					if r.Method == "GET" {
						res = c.get(p)
					} else {
						res = c.post(p, url.Values{"body": {"x"}, "email": {"a@b.test"}})
					}
					if res.StatusCode >= 500 {
						t.Fatalf("%s %s: status %d\n%.300s", r.Method, p, res.StatusCode, res.Body)
					}
				})
			}
		}
	}
}
