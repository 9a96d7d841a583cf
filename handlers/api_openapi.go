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

// openAPIDocument is the OpenAPI document as served and as the reference page
// shows it, read and parsed once when the server starts: the file is
// embedded and never changes while it runs.
type openAPIDocument struct {
	body       []byte
	version    string
	operations []apiOperationRow
}

// loadAPIDocument reads and parses the document; a document the reference
// cannot read stops the server from starting, as a broken template does.
func loadAPIDocument(views fs.FS) (openAPIDocument, error) {
	body, err := fs.ReadFile(views, openAPIPath)
	if err != nil {
		return openAPIDocument{}, err
	}
	version, ops, err := apiReference(body)
	if err != nil {
		return openAPIDocument{}, err
	}
	return openAPIDocument{body: body, version: version, operations: ops}, nil
}

// APIOpenAPI is GET /api/v1/openapi.json: the document, for anyone (it
// holds no agency's data).
func (h *Handlers) APIOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(h.apiDoc.body)
}
