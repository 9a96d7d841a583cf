package handlers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The API reference (issue 20 point 3): Settings › API tokens › Reference,
// a readable page drawn from views/api/openapi.json itself, so it lists
// exactly what the document (and so the response validator) holds.

func init() {
	viewModels["pages/settings/api-reference"] = reflect.TypeFor[*apiReferenceView]()
}

// apiReferenceView is the reference page: every operation, by path.
type apiReferenceView struct {
	Page
	Base       string // the API tokens page
	Version    string
	Operations []apiOperationRow
}

// apiOperationRow is one method on one path.
type apiOperationRow struct {
	Method, Path, Summary, Scope string
	Parameters                   []apiParameterRow
	Responses                    []apiResponseRow
}

// apiParameterRow is one parameter of an operation.
type apiParameterRow struct{ Name, In, Description string }

// apiResponseRow is one answer an operation may give.
type apiResponseRow struct{ Status, Description string }

// openAPIOperation is what the reference reads of an operation.
type openAPIOperation struct {
	Summary    string            `json:"summary"`
	Scope      string            `json:"x-scope"`
	Parameters []json.RawMessage `json:"parameters"`
	Responses  map[string]struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
	} `json:"responses"`
}

// openAPIParameter is a parameter, given in place or in components.
type openAPIParameter struct {
	Ref         string `json:"$ref"`
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
}

// apiReference reads the OpenAPI document into the page's rows.
func apiReference(doc []byte) (version string, ops []apiOperationRow, err error) {
	var d struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]openAPIParameter `json:"parameters"`
			Responses  map[string]struct {
				Description string `json:"description"`
			} `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return "", nil, fmt.Errorf("handlers: read the OpenAPI document: %w", err)
	}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			raw, ok := d.Paths[p][method]
			if !ok {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return "", nil, fmt.Errorf("handlers: OpenAPI %s %s: %w", method, p, err)
			}
			row := apiOperationRow{Method: strings.ToUpper(method), Path: p, Summary: op.Summary, Scope: op.Scope}
			for _, rawParam := range op.Parameters {
				var prm openAPIParameter
				if err := json.Unmarshal(rawParam, &prm); err != nil {
					return "", nil, fmt.Errorf("handlers: OpenAPI %s %s parameter: %w", method, p, err)
				}
				if name, ok := strings.CutPrefix(prm.Ref, "#/components/parameters/"); ok {
					prm = d.Components.Parameters[name]
				}
				row.Parameters = append(row.Parameters, apiParameterRow{Name: prm.Name, In: prm.In, Description: prm.Description})
			}
			codes := make([]string, 0, len(op.Responses))
			for code := range op.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			for _, code := range codes {
				resp := op.Responses[code]
				desc := resp.Description
				if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
					desc = d.Components.Responses[name].Description
				}
				row.Responses = append(row.Responses, apiResponseRow{Status: code, Description: desc})
			}
			ops = append(ops, row)
		}
	}
	return d.Info.Version, ops, nil
}

// APIReference is Settings › API tokens › Reference: the rows New read
// from the document (loadAPIDocument), not parsed again per request.
func (h *Handlers) APIReference(c *fiber.Ctx, r *Request) error {
	return h.page(c, "pages/settings/api-reference", &apiReferenceView{Page: Page{Title: "API reference"}, Base: apiTokensBase(r),
		Version: h.apiDoc.version, Operations: h.apiDoc.operations})
}
