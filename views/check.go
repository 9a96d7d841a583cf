package views

import (
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
)

// Check type-checks template name as if executed with a value of type
// model: every field, method and map key a template names must exist on
// the value it is applied to, through range, with, variables and the
// partials it calls, on every branch whether or not a test's data would
// take it. A value of interface type (any) is not looked into. keyed
// lists the template functions that build a struct from "Field" value
// pairs (see FormField); their literal field names are checked too.
// It returns every problem found, each naming the template and the line.
func (s *Set) Check(name string, model reflect.Type, funcs map[string]any, keyed map[string]reflect.Type) []error {
	c := &checker{set: s, funcs: funcs, keyed: keyed, done: map[checked]bool{}}
	c.template(name, model)
	return c.errs
}

// Calls lists the templates that name calls with {{template}}, directly.
func (s *Set) Calls(name string) []string {
	t := s.templates.Lookup(name)
	if t == nil || t.Tree == nil {
		return nil
	}
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, m := range n.Nodes {
					walk(m)
				}
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			out = append(out, n.Name)
		}
	}
	walk(t.Tree.Root)
	return out
}

type checked struct {
	name  string
	model reflect.Type
}

type checker struct {
	set   *Set
	funcs map[string]any
	keyed map[string]reflect.Type
	done  map[checked]bool
	errs  []error
}

// scope is what a node sees: dot, and the variables in force.
type scope struct {
	dot  reflect.Type // nil: unknown (an interface value), not checked further
	vars map[string]reflect.Type
	tmpl string
	tree *parse.Tree
}

func (sc scope) with(dot reflect.Type) scope {
	vars := make(map[string]reflect.Type, len(sc.vars))
	for k, v := range sc.vars {
		vars[k] = v
	}
	return scope{dot: dot, vars: vars, tmpl: sc.tmpl, tree: sc.tree}
}

// untyped is the type of dot in a template called without data.
var untyped = reflect.TypeOf(struct{ untypedNil struct{} }{})

func (c *checker) template(name string, model reflect.Type) {
	if c.done[checked{name, model}] {
		return
	}
	c.done[checked{name, model}] = true
	t := c.set.templates.Lookup(name)
	if t == nil || t.Tree == nil {
		c.errs = append(c.errs, fmt.Errorf("template %q does not exist", name))
		return
	}
	sc := scope{dot: model, vars: map[string]reflect.Type{"$": model}, tmpl: name, tree: t.Tree}
	c.list(t.Tree.Root, sc)
}

func (c *checker) fail(sc scope, n parse.Node, format string, args ...any) {
	loc, _ := sc.tree.ErrorContext(n)
	c.errs = append(c.errs, fmt.Errorf("%s (%s): %s", sc.tmpl, loc, fmt.Sprintf(format, args...)))
}

func (c *checker) list(l *parse.ListNode, sc scope) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		c.node(n, sc)
	}
}

func (c *checker) node(n parse.Node, sc scope) {
	switch n := n.(type) {
	case *parse.ActionNode:
		c.pipe(n.Pipe, sc)
	case *parse.IfNode:
		c.pipe(n.Pipe, sc)
		c.list(n.List, sc)
		c.list(n.ElseList, sc)
	case *parse.WithNode:
		t := c.pipe(n.Pipe, sc)
		c.list(n.List, sc.with(t))
		c.list(n.ElseList, sc)
	case *parse.RangeNode:
		inner := sc.with(nil)
		t := c.pipeIn(n.Pipe, sc, &inner)
		key, elem := rangeTypes(t)
		if t != nil && elem == nil && key == nil {
			c.fail(sc, n, "cannot range over %s", t)
		}
		inner.dot = elem
		switch len(n.Pipe.Decl) {
		case 1:
			inner.vars[n.Pipe.Decl[0].Ident[0]] = elem
		case 2:
			inner.vars[n.Pipe.Decl[0].Ident[0]] = key
			inner.vars[n.Pipe.Decl[1].Ident[0]] = elem
		}
		c.list(n.List, inner)
		c.list(n.ElseList, sc)
	case *parse.TemplateNode:
		dot := untyped
		if n.Pipe != nil {
			dot = c.pipe(n.Pipe, sc)
		}
		if dot == nil {
			c.fail(sc, n, "calls %q with a value of unknown type: give the partial a typed view model", n.Name)
			return
		}
		c.template(n.Name, dot)
	}
}

// pipe types a pipeline; declared variables go into sc.
func (c *checker) pipe(p *parse.PipeNode, sc scope) reflect.Type {
	return c.pipeIn(p, sc, &sc)
}

// pipeIn types p in sc and declares its variables in decl (a range
// declares them in its body's scope).
func (c *checker) pipeIn(p *parse.PipeNode, sc scope, decl *scope) reflect.Type {
	if p == nil {
		return nil
	}
	var t reflect.Type
	for i, cmd := range p.Cmds {
		t = c.command(cmd, sc, i > 0)
	}
	if len(p.Decl) == 1 && !p.IsAssign {
		decl.vars[p.Decl[0].Ident[0]] = t
	}
	return t
}

var (
	boolType   = reflect.TypeOf(false)
	stringType = reflect.TypeOf("")
	intType    = reflect.TypeOf(0)
	errorType  = reflect.TypeOf((*error)(nil)).Elem()
)

func (c *checker) command(cmd *parse.CommandNode, sc scope, piped bool) reflect.Type {
	first := cmd.Args[0]
	for _, a := range cmd.Args[1:] {
		c.arg(a, sc)
	}
	switch n := first.(type) {
	case *parse.IdentifierNode:
		return c.function(n, cmd, sc)
	default:
		return c.arg(first, sc)
	}
}

// function is the result type of a call to a template function.
func (c *checker) function(n *parse.IdentifierNode, cmd *parse.CommandNode, sc scope) reflect.Type {
	switch n.Ident {
	case "and", "or":
		if len(cmd.Args) > 1 {
			return c.arg(cmd.Args[1], sc)
		}
		return nil
	case "not", "eq", "ne", "lt", "le", "gt", "ge":
		return boolType
	case "len":
		return intType
	case "print", "printf", "println", "html", "js", "urlquery":
		return stringType
	case "index":
		if len(cmd.Args) < 3 {
			return nil
		}
		t := indirect(c.arg(cmd.Args[1], sc))
		for range cmd.Args[2:] {
			if t == nil {
				return nil
			}
			switch t.Kind() {
			case reflect.Map, reflect.Slice, reflect.Array:
				t = indirect(t.Elem())
			default:
				c.fail(sc, n, "cannot index %s", t)
				return nil
			}
		}
		return t
	case "slice":
		if len(cmd.Args) > 1 {
			return c.arg(cmd.Args[1], sc)
		}
		return nil
	case "call":
		return nil
	}
	if strings.HasPrefix(n.Ident, "_html_template_") || strings.HasPrefix(n.Ident, "_eval_args_") {
		return stringType // html/template's escapers, once a template was executed
	}
	if st, ok := c.keyed[n.Ident]; ok {
		args := cmd.Args[1:]
		if len(args)%2 != 0 {
			c.fail(sc, n, "%s takes field-value pairs", n.Ident)
		}
		for i := 0; i+1 < len(args); i += 2 {
			key, ok := args[i].(*parse.StringNode)
			if !ok {
				c.fail(sc, n, "%s: field names must be quoted strings", n.Ident)
				continue
			}
			if _, ok := st.FieldByName(key.Text); !ok {
				c.fail(sc, n, "%s: %s has no field %s", n.Ident, st, key.Text)
			}
		}
		return st
	}
	fn, ok := c.funcs[n.Ident]
	if !ok {
		c.fail(sc, n, "unknown function %s", n.Ident)
		return nil
	}
	ft := reflect.TypeOf(fn)
	if ft.NumOut() == 0 {
		return nil
	}
	return ft.Out(0)
}

// arg types one argument of a command.
func (c *checker) arg(a parse.Node, sc scope) reflect.Type {
	switch n := a.(type) {
	case *parse.DotNode:
		return sc.dot
	case *parse.FieldNode:
		return c.fields(n, sc.dot, n.Ident, sc)
	case *parse.VariableNode:
		t, ok := sc.vars[n.Ident[0]]
		if !ok {
			c.fail(sc, n, "unknown variable %s", n.Ident[0])
			return nil
		}
		return c.fields(n, t, n.Ident[1:], sc)
	case *parse.ChainNode:
		return c.fields(n, c.arg(n.Node, sc), n.Field, sc)
	case *parse.PipeNode:
		return c.pipe(n, sc.with(sc.dot))
	case *parse.StringNode:
		return stringType
	case *parse.NumberNode:
		if n.IsInt {
			return intType
		}
		return reflect.TypeOf(0.0)
	case *parse.BoolNode:
		return boolType
	case *parse.IdentifierNode:
		return c.function(n, &parse.CommandNode{Args: []parse.Node{n}}, sc)
	}
	return nil
}

// fields follows .A.B.C from a value of type t.
func (c *checker) fields(n parse.Node, t reflect.Type, names []string, sc scope) reflect.Type {
	for _, name := range names {
		if t == nil {
			return nil
		}
		if t == untyped {
			c.fail(sc, n, "field %s of a partial called without data", name)
			return nil
		}
		next, ok := member(t, name)
		if !ok {
			c.fail(sc, n, "%s has no field or method %s", t, name)
			return nil
		}
		t = next
	}
	return t
}

// member is the type of field or method name of a value of type t, as
// text/template finds it (pointers followed, maps indexed by the name).
func member(t reflect.Type, name string) (reflect.Type, bool) {
	if m, ok := t.MethodByName(name); ok {
		return methodResult(m.Type), true
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
			return methodResult(m.Type), true
		}
	}
	base := indirect(t)
	switch base.Kind() {
	case reflect.Struct:
		if f, ok := base.FieldByName(name); ok && f.IsExported() {
			return dynamic(f.Type), true
		}
	case reflect.Map:
		if base.Key().Kind() == reflect.String {
			return dynamic(base.Elem()), true
		}
	case reflect.Interface:
		return nil, true
	}
	return nil, false
}

func methodResult(m reflect.Type) reflect.Type {
	if m.NumOut() == 0 || m.Out(0) == errorType {
		return nil
	}
	return dynamic(m.Out(0))
}

// dynamic is t, or nil (unknown) for an interface type.
func dynamic(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Interface {
		return nil
	}
	return t
}

func indirect(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// rangeTypes are the key and element types of ranging over t.
func rangeTypes(t reflect.Type) (key, elem reflect.Type) {
	t = indirect(t)
	if t == nil {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return intType, dynamic(t.Elem())
	case reflect.Map:
		return t.Key(), dynamic(t.Elem())
	case reflect.Chan:
		return nil, dynamic(t.Elem())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return nil, t
	}
	return nil, nil
}
