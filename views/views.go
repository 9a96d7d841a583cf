// Package views loads the templates in this folder and executes them:
// every byte of markup the server sends comes from here. Templates are
// named by their path without ".html" (pages/cases/index,
// partials/cases/row), and each is executed with a typed view model that
// the handlers package registers and check.go checks.
package views

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gofiber/template/html/v2"
)

// Set is every template of views/, parsed once at start.
type Set struct {
	templates *template.Template
}

// Load parses every .html file under views/ in fsys, with funcs available
// to all of them. The gofiber engine does the loading and naming; the
// templates are then executed through html/template directly, which
// escapes each template once under its own lock and is safe for
// concurrent use (the engine's Render copies a template per call and
// holds one lock over every render with a layout).
func Load(fsys fs.FS, funcs template.FuncMap) (*Set, error) {
	sub, err := fs.Sub(fsys, "views")
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(funcs)
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("views: load templates: %w", err)
	}
	return &Set{templates: engine.Templates}, nil
}

// Execute writes template name executed with data to w.
func (s *Set) Execute(w io.Writer, name string, data any) error {
	if err := s.templates.ExecuteTemplate(w, name, data); err != nil {
		return fmt.Errorf("views: %s: %w", name, err)
	}
	return nil
}

// Render returns template name executed with data, as markup to place in
// another template. Only the fragment cache needs it: everything else is
// written straight to the response.
func (s *Set) Render(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := s.Execute(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // html/template's own output, escaped in context
}

// Lookup reports whether a template of that name exists.
func (s *Set) Lookup(name string) bool { return s.templates.Lookup(name) != nil }

// Names lists every template, defined blocks included.
func (s *Set) Names() []string {
	var out []string
	for _, t := range s.templates.Templates() {
		out = append(out, t.Name())
	}
	return out
}
