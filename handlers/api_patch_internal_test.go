package handlers

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
)

// TestAPIPatchVersion: the version apiPatchOf hands to the store's write
// is the one read when If-Match names the object's ETag, and 0 (write over
// whatever is there) for no If-Match and for "*", which RFC 9110 says any
// existing version matches; another ETag is 409 before anything is
// written.
func TestAPIPatchVersion(t *testing.T) {
	t.Parallel()
	type object struct {
		Title   string `json:"title"`
		Version int64  `json:"version"`
	}
	stored := object{Title: "Read", Version: 7}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(statusOf[apperr.CodeOf(err)]).SendString(err.Error())
	}})
	app.Patch("/things/:id", func(c *fiber.Ctx) error {
		var body struct {
			Title string `json:"title"`
		}
		_, version, err := apiPatchOf(c, &body, func(string) (object, error) { return stored, nil },
			func(o object) any { return o }, func(o object) int64 { return o.Version })
		if err != nil {
			return err
		}
		return c.SendString(strconv.FormatInt(version, 10))
	})
	read, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	etag := etagOf(read)
	for _, tc := range []struct {
		ifMatch string
		status  int
		version string
	}{
		{"", http.StatusOK, "0"},
		{"*", http.StatusOK, "0"},
		{" * ", http.StatusOK, "0"},
		{etag, http.StatusOK, "7"},
		{`"other", ` + etag, http.StatusOK, "7"},
		{`"other"`, http.StatusConflict, ""},
	} {
		req := httptest.NewRequest("PATCH", "/things/1", strings.NewReader(`{"title":"New"}`))
		req.Header.Set("Content-Type", "application/json")
		if tc.ifMatch != "" {
			req.Header.Set("If-Match", tc.ifMatch)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != tc.status || (tc.version != "" && string(body) != tc.version) {
			t.Errorf("If-Match %q: %d %s, want %d version %s", tc.ifMatch, res.StatusCode, body, tc.status, tc.version)
		}
	}
}
