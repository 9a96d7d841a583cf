package handlers_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/handlers"
)

func TestUploadRefusedFromContentLengthAlone(t *testing.T) {
	t.Parallel()
	// A file limit of 1 MiB and room to spare: without the page's
	// X-Upload-Files header, an upload may carry at most MaxUploadFiles
	// files of the limit, and a length declared over that is refused.
	f := mustDocFixture(t, func(c *handlers.Config) { c.FileLimit, c.StorageQuota, c.SelfHosted = 1<<20, 1<<40, true })
	contact, contactEmail := f.e.mustAddUser(t, f.a, "client")
	clientID := mustUser(t, f.e.mustTenant(t, f.a.ID), contactEmail).ClientID
	portalCase := mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {clientID}, "title": {"Portal case"}})
	portalURL := "/a/" + f.a.Slug + "/portal/cases/" + portalCase
	contact.get(portalURL)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.e.app.Listener(ln)
	t.Cleanup(func() { f.e.app.Shutdown() })

	for _, tc := range []struct {
		who     string
		b       *browser
		path    string
		claimed int
		want    string
	}{
		{"staff, a little over 20 files' worth", f.staff, f.caseURL("/documents"), 21<<20 + 64<<10, "larger than 20 files of 1 MiB"},
		{"staff, a hundred gigabytes", f.staff, f.caseURL("/documents"), 100 << 30, "larger than 20 files of 1 MiB"},
		{"a client contact on the portal, a hundred gigabytes", contact, portalURL + "/documents", 100 << 30, "larger than 20 files of 1 MiB"},
	} {
		t.Run(tc.who, func(t *testing.T) {
			res, body := rawPost(t, ln.Addr().String(), tc.b, tc.path, tc.claimed)
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if !res.Close {
				t.Error("the connection stays open for a body that will not be read")
			}
		})
	}
	f.wantNothingStored(t)
}
