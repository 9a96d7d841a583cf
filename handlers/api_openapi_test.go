package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"mintedmind/handlers"
)

const openAPIFile = "../views/api/openapi.json"

var apiDoc struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// mustAPIDoc is the OpenAPI document, loaded and checked once (a broken
// document fails every test that asks for it).
func mustAPIDoc(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	apiDoc.once.Do(func() {
		loader := openapi3.NewLoader()
		apiDoc.doc, apiDoc.err = loader.LoadFromFile(openAPIFile)
		if apiDoc.err == nil {
			apiDoc.err = apiDoc.doc.Validate(loader.Context)
		}
		if apiDoc.err == nil {
			apiDoc.router, apiDoc.err = gorillamux.NewRouter(apiDoc.doc)
		}
	})
	if apiDoc.err != nil {
		t.Fatalf("OpenAPI document: %v", apiDoc.err)
	}
	return apiDoc.doc, apiDoc.router
}

// api sends one API request (a JSON body when body is not "") and checks
// the answer against the OpenAPI document: its status must be one the
// operation lists, its body the schema of that answer. Every API answer of
// the tests that use it is so checked, so the document cannot drift from
// the code.
func (c *browser) api(t *testing.T, method, path, body string) *response {
	t.Helper()
	var res *response
	if body == "" {
		res = c.do(method, path, nil, "")
	} else {
		res = c.do(method, path, strings.NewReader(body), "application/json")
	}
	checkAgainstOpenAPI(t, method, path, res)
	return res
}

// apiUpload sends fields and files as a multipart/form-data POST (a new
// random boundary each time, as clients make one) and checks both the
// request's body and the answer against the OpenAPI document: the
// multipart entry of the validator, as api is the JSON one.
func (c *browser) apiUpload(t *testing.T, path string, fields url.Values, files ...upFile) *response {
	t.Helper()
	buf, contentType := multipartBody("", fields, files...)
	body := buf.Bytes()
	_, router := mustAPIDoc(t)
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("POST %s is not in the OpenAPI document: %v", path, err)
	}
	if err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}); err != nil {
		t.Fatalf("the upload to %s is not the OpenAPI document's request: %v", path, err)
	}
	return c.apiRaw(t, "POST", path, bytes.NewReader(body), contentType)
}

// apiRaw sends any body and checks only the answer against the document:
// for requests that are wrong on purpose.
func (c *browser) apiRaw(t *testing.T, method, path string, body io.Reader, contentType string) *response {
	t.Helper()
	res := c.do(method, path, body, contentType)
	checkAgainstOpenAPI(t, method, path, res)
	return res
}

func checkAgainstOpenAPI(t *testing.T, method, path string, res *response) {
	t.Helper()
	_, router := mustAPIDoc(t)
	req := httptest.NewRequest(method, path, nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in the OpenAPI document: %v", method, path, err)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	if r := route.Operation.Responses.Status(res.StatusCode); r != nil && r.Value != nil && r.Value.Content.Get("*/*") != nil &&
		r.Value.Content.Get("application/problem+json") == nil {
		opts.ExcludeResponseBody = true // a file: any type, any bytes
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(strings.NewReader(res.Body)), Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s answered %d against the OpenAPI document: %v\n%.500s", method, path, res.StatusCode, err, res.Body)
	}
}

// TestAPIOpenAPIMatchesRoutes: every APIToken row of the route table is an
// operation of the document with the row's scope, and every operation of
// the document is a row: neither can gain a route the other lacks.
func TestAPIOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc, _ := mustAPIDoc(t)
	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	inDoc := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			scope, _ := op.Extensions["x-scope"].(string)
			inDoc[method+" "+param.ReplaceAllString(path, ":$1")] = scope
		}
	}
	inTable := map[string]string{}
	for _, r := range handlers.Routes {
		if r.Access == handlers.APIToken {
			inTable[r.Method+" "+r.Path] = r.Scope
		}
	}
	for key, scope := range inTable {
		got, ok := inDoc[key]
		if !ok {
			t.Errorf("route %s is not in %s", key, openAPIFile)
		} else if got != scope {
			t.Errorf("%s: the document says scope %q, the route table %q", key, got, scope)
		}
	}
	for key := range inDoc {
		if _, ok := inTable[key]; !ok {
			t.Errorf("%s in %s is not an API route", key, openAPIFile)
		}
	}
	if len(inTable) < 17 {
		t.Fatalf("only %d API routes", len(inTable))
	}
}

// TestAPIOpenAPIServed: the document is served, as the file is, to anyone.
func TestAPIOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	res := e.newClient().get("/api/v1/openapi.json")
	wantStatus(t, res, http.StatusOK)
	file, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	if res.Body != string(file) || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("served %d bytes as %q, the file has %d", len(res.Body), res.Header.Get("Content-Type"), len(file))
	}
	var d struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(file, &d); err != nil || !slices.Contains([]string{"3.1.0", "3.1.1"}, d.OpenAPI) {
		t.Fatalf("openapi %q: %v", d.OpenAPI, err)
	}
}
