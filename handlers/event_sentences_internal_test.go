package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// tenantStringConsts reads db/tenant's string constants: name → value.
func tenantStringConsts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, "../db/tenant", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								out[n.Name], _ = strconv.Unquote(lit.Value)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestEventKindsRegistered reads the module's code: every event kind
// constant (Event…) used anywhere outside its declaration, and every
// constant field of an Event{…} literal, is in tenant.EventKinds; every
// registered kind has a row in eventSentences and every row a kind.
func TestEventKindsRegistered(t *testing.T) {
	consts := tenantStringConsts(t)
	kindOf := func(e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.Ident:
			v, ok := consts[x.Name]
			return v, ok && strings.HasPrefix(x.Name, "Event")
		case *ast.SelectorExpr:
			if p, ok := x.X.(*ast.Ident); ok && p.Name == "tenant" {
				v, ok := consts[x.Sel.Name]
				return v, ok && strings.HasPrefix(x.Sel.Name, "Event")
			}
		}
		return "", false
	}
	constOf := func(e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.Ident:
			v, ok := consts[x.Name]
			return v, ok
		case *ast.SelectorExpr:
			if p, ok := x.X.(*ast.Ident); ok && p.Name == "tenant" {
				v, ok := consts[x.Sel.Name]
				return v, ok
			}
		}
		return "", false
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "event_kinds.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ValueSpec:
				return false // a declaration, not a use
			case *ast.CompositeLit:
				// Event{Kind: K, Field: F}: F must be one of K's fields.
				var kind, field string
				var hasKind, hasField bool
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key, _ := kv.Key.(*ast.Ident)
					if key == nil {
						continue
					}
					switch key.Name {
					case "Kind", "kind":
						kind, hasKind = kindOf(kv.Value)
					case "Field", "field":
						field, hasField = constOf(kv.Value)
					}
				}
				if hasKind && hasField {
					fields, ok := tenant.EventKinds[kind]
					if ok && !contains(fields, field) {
						t.Errorf("%s: event %q written with field %q, not in tenant.EventKinds", fset.Position(x.Pos()), kind, field)
					}
				}
			case *ast.Ident, *ast.SelectorExpr:
				if k, ok := kindOf(x.(ast.Expr)); ok {
					seen[k] = true
					if _, ok := tenant.EventKinds[k]; !ok {
						t.Errorf("%s: event kind %q is used but not in tenant.EventKinds (db/tenant/event_kinds.go)", fset.Position(x.Pos()), k)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range tenant.EventKinds {
		if _, ok := eventSentences[k]; !ok {
			t.Errorf("event kind %q has no sentence in eventSentences (handlers/event_sentences.go)", k)
		}
		if !seen[k] && k != tenant.EventInvoice { // no longer written; older histories have it
			t.Errorf("event kind %q is registered but the code never names it", k)
		}
	}
	for k := range eventSentences {
		if _, ok := tenant.EventKinds[k]; !ok {
			t.Errorf("eventSentences has %q, which tenant.EventKinds does not know", k)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("the walk found only %d kinds: %v", len(seen), seen)
	}
}

// TestEventWords: every registered kind and field reads as words on each
// side, none of them a code.
func TestEventWords(t *testing.T) {
	var codes []string
	for k, fields := range tenant.EventKinds {
		codes = append(codes, k)
		codes = append(codes, fields...)
	}
	for k, fields := range tenant.EventKinds {
		for _, f := range fields {
			e := tenant.Event{Kind: k, Field: f, ActorName: "Ann", OldValue: "before", NewValue: "after"}
			w := wordsOf(e)
			for side, s := range map[string]string{"staff": w.Staff, "portal": w.Portal, "activity": w.Label} {
				if s == "" || s == "changed the case" || s == "updated the case" || s == "Case changed" {
					t.Errorf("%s/%s: no %s sentence (%q)", k, f, side, s)
				}
				for _, word := range strings.Fields(s) {
					for _, c := range codes {
						if c != "" && strings.Contains(c, "_") && strings.Trim(word, "“”():,.") == c {
							t.Errorf("%s/%s: the %s sentence %q shows the code %q", k, f, side, s, c)
						}
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
