package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"mintedmind/views"
)

// mustLoadViews loads views/ with the handlers' template functions.
func mustLoadViews(t testing.TB) *views.Set {
	t.Helper()
	h := mustViewHandlers(t)
	return h.views
}

func mustViewHandlers(t testing.TB) *Handlers {
	t.Helper()
	assets, err := loadAssets(os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	h := &Handlers{assets: assets}
	if h.views, err = views.Load(os.DirFS(".."), h.templateFuncs()); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestViewModels type-checks every template against its view model: a
// field, method or map key a template names that its view model lacks
// fails here, on every branch, whatever data a page test would use.
func TestViewModels(t *testing.T) {
	t.Parallel()
	h := mustViewHandlers(t)
	funcs := h.templateFuncs()
	keyed := map[string]reflect.Type{"field": reflect.TypeFor[FormField](), "dropZone": reflect.TypeFor[DropZone]()}
	models := map[string]reflect.Type{
		"layouts/page/start": reflect.TypeFor[*layoutView](),
		"layouts/page/end":   reflect.TypeFor[*layoutView](),
	}
	for name, typ := range viewModels {
		models[name] = typ
	}
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !h.views.Lookup(name) {
			t.Errorf("viewModels names %s, which is not a template", name)
			continue
		}
		for _, err := range h.views.Check(name, models[name], funcs, keyed) {
			t.Error(err)
		}
	}

	t.Run("every page and partial is checked", func(t *testing.T) {
		reached := map[string]bool{}
		var reach func(string)
		reach = func(name string) {
			if reached[name] {
				return
			}
			reached[name] = true
			for _, called := range h.views.Calls(name) {
				reach(called)
			}
		}
		for _, name := range names {
			reach(name)
		}
		for _, name := range h.views.Names() {
			if (strings.HasPrefix(name, "pages/") || strings.HasPrefix(name, "partials/")) && !reached[name] {
				t.Errorf("template %s is neither in viewModels nor called by a template that is: nothing checks it", name)
			}
		}
	})
	t.Run("the checker finds a field the view model lacks", func(t *testing.T) {
		errs := h.views.Check("partials/cases/row", reflect.TypeFor[struct{ ID, URL string }](), funcs, keyed)
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), "has no field or method") {
			t.Fatalf("errors: %v", errs)
		}
	})
	t.Run("the checker finds a field on a branch not taken", func(t *testing.T) {
		type withoutTrash struct {
			caseDocumentsView
			CSRF string
			Lang string
		}
		errs := h.views.Check("partials/documents/list", reflect.TypeFor[withoutTrash](), funcs, keyed)
		if len(errs) != 0 {
			t.Fatalf("a complete model failed: %v", errs)
		}
		errs = h.views.Check("partials/documents/list", reflect.TypeFor[struct {
			Docs   []documentView
			DocOOB bool
			CSRF   string
			Lang   string
		}](), funcs, keyed)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "DocTrashURL") {
			t.Fatalf("want one error about DocTrashURL, got %v", errs)
		}
	})
	t.Run("the checker finds a field name of the field function that FormField lacks", func(t *testing.T) {
		errs := h.views.Check("pages/cases/new", reflect.TypeFor[*caseFormView](), funcs, map[string]reflect.Type{"field": reflect.TypeFor[struct{ Name string }]()})
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), "has no field Label") {
			t.Fatalf("errors: %v", errs)
		}
	})
}

// TestNoMarkupInGo fails when a handler builds markup itself: every byte
// of HTML comes from views/, escaped by html/template in its context.
func TestNoMarkupInGo(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	escapers := map[string]bool{"html.EscapeString": true, "template.HTMLEscapeString": true, "template.HTMLEscaper": true,
		"template.JSEscapeString": true, "html.UnescapeString": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			name := pkg.Name + "." + sel.Sel.Name
			switch {
			case name == "template.HTML" || name == "template.HTMLAttr" || name == "template.URL" || name == "template.CSS" || name == "template.JS":
				t.Errorf("%s: %s(…) turns a built string into trusted markup; render a partial from views/ instead", fset.Position(call.Pos()), name)
			case escapers[name]:
				t.Errorf("%s: %s escapes by hand; let html/template escape in context", fset.Position(call.Pos()), name)
			}
			return true
		})
	}
}
