package handlers

import (
	"io/fs"

	"github.com/gofiber/fiber/v2"
)

// openAPIPath is the API's OpenAPI 3.1 document in the views file system:
// a file, not Go strings, checked against the route table by
// TestAPIOpenAPIMatchesRoutes and against the API's answers by
// TestAPIAnswersMatchOpenAPI.
const openAPIPath = "views/api/openapi.json"

// APIOpenAPI is GET /api/v1/openapi.json: the document, for anyone (it
// holds no agency's data).
func (h *Handlers) APIOpenAPI(c *fiber.Ctx) error {
	body, err := fs.ReadFile(h.Views, openAPIPath)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(body)
}
