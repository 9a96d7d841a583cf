package handlers

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// auditActionPattern is what an audit action looks like: area.verb.
var auditActionPattern = regexp.MustCompile(`^[a-z0-9_]+\.[a-z0-9_]+$`)

// fileExtensions are the endings of strings that look like actions but
// name files ("invoice.pdf", "brand.css").
var fileExtensions = []string{"pdf", "csv", "zip", "txt", "html", "css", "js", "png", "jpg", "jpeg", "db", "json", "gz", "tar", "xml", "svg", "sql", "go", "ico", "webp", "heic"}

// writtenAuditActions reads every non-test Go file of the module for the
// audit actions the code writes: the action of auditFor(c, "…"), of
// operatorAudit/operatorAuditEntry(c, "…"), of an Action: "…" field and
// of an x.Action = "…" assignment; "agency."+action is each console
// lifecycle action (lifecycleAction{"restore", …}). Then every other
// string literal of a known area ("client.restored" chosen into a
// variable first, a map of recurring actions) counts too, unless it is a
// key of the English catalogue ("cases.new_case" is a page title's
// message, not an action).
func writtenAuditActions(t *testing.T) (agency, operator map[string]string) {
	t.Helper()
	agency, operator = map[string]string{}, map[string]string{}
	type literal struct{ value, where string }
	var loose []literal
	var lifecycle []string
	fset := token.NewFileSet()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		str := func(e ast.Expr) (string, bool) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(lit.Value)
			return s, err == nil && auditActionPattern.MatchString(s)
		}
		where := func(n ast.Node) string { return fset.Position(n.Pos()).String() }
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok == token.CONST {
					return false // constants are keys and names, not actions written
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if len(n.Args) < 2 {
					break
				}
				switch name {
				case "auditFor":
					if s, ok := str(n.Args[1]); ok {
						agency[s] = where(n)
					}
				case "operatorAudit", "operatorAuditEntry":
					if s, ok := str(n.Args[1]); ok {
						operator[s] = where(n)
					} else if b, ok := n.Args[1].(*ast.BinaryExpr); ok {
						if lit, ok := b.X.(*ast.BasicLit); ok && lit.Value == `"agency."` {
							operator["agency.*"] = where(n)
						}
					}
				}
			case *ast.CompositeLit:
				typ := ""
				switch ty := n.Type.(type) {
				case *ast.Ident:
					typ = ty.Name
				case *ast.SelectorExpr:
					typ = ty.Sel.Name
				}
				if typ == "lifecycleAction" && len(n.Elts) > 0 {
					if lit, ok := n.Elts[0].(*ast.BasicLit); ok {
						v, _ := strconv.Unquote(lit.Value)
						lifecycle = append(lifecycle, v)
					}
				}
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Action" {
						continue
					}
					if s, ok := str(kv.Value); ok {
						if typ == "OperatorAuditEntry" {
							operator[s] = where(n)
						} else {
							agency[s] = where(n)
						}
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					sel, ok := lhs.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Action" || i >= len(n.Rhs) {
						continue
					}
					if s, ok := str(n.Rhs[i]); ok {
						agency[s] = where(n)
					}
				}
			case *ast.BasicLit:
				if s, ok := str(n); ok {
					loose = append(loose, literal{s, where(n)})
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := operator["agency.*"]; ok {
		w := operator["agency.*"]
		delete(operator, "agency.*")
		if len(lifecycle) == 0 {
			t.Fatal(`operatorAudit(c, "agency."+action) is written but no lifecycleAction{…} names its actions`)
		}
		for _, a := range lifecycle {
			operator["agency."+a] = w
		}
	}
	areas := map[string]bool{}
	for _, m := range []map[string]string{agency, operator} {
		for a := range m {
			areas[strings.SplitN(a, ".", 2)[0]] = true
		}
	}
	catalogue := map[string]json.RawMessage{}
	if data, err := os.ReadFile("../i18n/locales/en.json"); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(data, &catalogue); err != nil {
		t.Fatal(err)
	}
	for _, l := range loose {
		area, verb, _ := strings.Cut(l.value, ".")
		if _, message := catalogue[l.value]; message || !areas[area] || slices.Contains(fileExtensions, verb) {
			continue
		}
		if _, ok := agency[l.value]; ok {
			continue
		}
		if _, ok := operator[l.value]; ok {
			continue
		}
		agency[l.value] = l.where
	}
	return agency, operator
}

func TestEveryAuditActionHasASentence(t *testing.T) {
	t.Parallel()
	agency, operator := writtenAuditActions(t)
	if len(agency) < 40 || len(operator) < 8 {
		t.Fatalf("found only %d agency and %d operator audit actions in the code: the walk is broken", len(agency), len(operator))
	}
	for _, want := range []string{"2fa.enabled", "privacy.data_downloaded", "client.restored", "recurring.paused", "document.unshared", "contact.invite_resent"} {
		if _, ok := agency[want]; !ok {
			t.Errorf("the walk missed %s", want)
		}
	}
	for _, want := range []string{"agency.suspend", "agency.restore", "job.run"} {
		if _, ok := operator[want]; !ok {
			t.Errorf("the walk missed %s", want)
		}
	}
	for action, where := range agency {
		if _, ok := auditPhrases[action]; ok {
			continue
		}
		if _, ok := operatorAuditPhrases[action]; ok {
			continue // a literal of a shared area, written to the operator's log
		}
		t.Errorf("%s writes the audit action %q, which has no sentence in auditPhrases (audit_sentences.go)", where, action)
	}
	for action, where := range operator {
		if _, ok := operatorAuditPhrases[action]; !ok {
			t.Errorf("%s writes the operator audit action %q, which has no sentence in operatorAuditPhrases (operator_audit.go)", where, action)
		}
	}
}

// TestAuditSentencesRead renders every phrase for an entry whose target
// is known and for one whose target is gone: each is a sentence (a capital
// first, no code, no id shown as text), and links only inside the agency.
func TestAuditSentencesRead(t *testing.T) {
	t.Parallel()
	const id = "0b7e7c1e-1111-4222-8333-944455556666"
	known := &tenant.AuditRefs{
		People:    map[string]tenant.AuditPerson{id: {ID: id, Name: "Rūta", Email: "ruta@example.test", Role: tenant.RoleStaff}, "ruta@example.test": {ID: id, Name: "Rūta", Email: "ruta@example.test", Role: tenant.RoleStaff}},
		Clients:   map[string]string{id: "Acme"},
		Invoices:  map[string]tenant.AuditInvoice{id: {ID: id, Number: "INV-2026-0003", ClientID: id, ClientName: "Acme"}},
		Documents: map[string]tenant.AuditDocument{id: {ID: id, Name: "scan.pdf", CaseID: id}},
		Recurring: map[string]tenant.AuditRecurring{id: {ID: id, ClientID: id, ClientName: "Acme"}},
	}
	empty := &tenant.AuditRefs{}
	for action := range auditPhrases {
		for _, lang := range i18n.Languages {
			for name, refs := range map[string]*tenant.AuditRefs{"known": known, "gone": empty} {
				for _, detail := range []string{"some detail", ""} {
					e := tenant.Audit{Action: action, ActorID: id, ActorName: "Rūta", Target: id, Detail: detail}
					if action == "plan.changed" {
						e.Target = "Pro (monthly)" // the one action whose target is a name
					}
					parts := auditSentenceOf(e, refs, "/a/acme", lang)
					text := auditText(parts)
					if text == "" || !unicode.IsUpper([]rune(text)[0]) {
						t.Errorf("%s (%s, %s): %q does not start a sentence", action, lang, name, text)
					}
					if strings.Contains(text, id) || strings.Contains(text, action) || strings.Contains(text, " did ") {
						t.Errorf("%s (%s, %s): %q shows a code or an id", action, lang, name, text)
					}
					if strings.ContainsAny(text, auditSlotMark+"{}") || strings.Contains(text, "no value") || strings.HasSuffix(text, " ") || strings.Contains(text, "  ") {
						t.Errorf("%s (%s, %s): %q has a slot left unfilled", action, lang, name, text)
					}
					for _, p := range parts {
						if p.URL != "" && !strings.HasPrefix(p.URL, "/a/acme/") {
							t.Errorf("%s (%s, %s): link %q leaves the agency", action, lang, name, p.URL)
						}
					}
				}
			}
		}
		if i18n.T(i18n.Lithuanian, "audit.label."+action) == i18n.T(i18n.English, "audit.label."+action) {
			t.Errorf("%s: its label is the same in Lithuanian as in English", action)
		}
	}
	for _, c := range []struct {
		lang string
		e    tenant.Audit
		want string
	}{
		{i18n.English, tenant.Audit{Action: "2fa.enabled", ActorID: id, ActorName: "Rūta"}, "Rūta turned on two-factor sign-in"},
		{i18n.English, tenant.Audit{Action: "privacy.data_downloaded", ActorID: id, ActorName: "Jonas"}, "Jonas downloaded their own data"},
		{i18n.English, tenant.Audit{Action: "invoice.issued", ActorID: id, ActorName: "Jonas", Target: id}, "Jonas issued invoice INV-2026-0003 for Acme"},
		{i18n.Lithuanian, tenant.Audit{Action: "invoice.issued", ActorID: id, ActorName: "Jonas", Target: id}, "Jonas išrašė: sąskaita INV-2026-0003 klientui Acme"},
		{i18n.German, tenant.Audit{Action: "invoice.issued", ActorID: id, ActorName: "Jonas", Target: id}, "Jonas hat die Rechnung INV-2026-0003 für Acme ausgestellt"},
		{i18n.German, tenant.Audit{Action: "client.updated", ActorID: id, ActorName: "Jonas", Target: id, Detail: "name"}, "Jonas hat Acme bearbeitet: name"},
		{i18n.Lithuanian, tenant.Audit{Action: "recurring.ended", ActorName: "Recurring invoice", Target: id, Detail: "its end date"}, "Baigėsi: periodinė sąskaita klientui Acme: its end date"},
		{i18n.Lithuanian, tenant.Audit{Action: "cases.archived", ActorName: "Retention"}, "Saugojimo taisyklės archyvavo uždarytas bylas"},
		{i18n.English, tenant.Audit{Action: "quote.sent", ActorID: id, ActorName: "Jonas"}, "Jonas sent the quote"},
	} {
		if got := auditText(auditSentenceOf(c.e, known, "/a/acme", c.lang)); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.e.Action, c.lang, got, c.want)
		}
	}
	// The slots are links wherever the language puts them: in German the
	// verb comes after the invoice.
	parts := auditSentenceOf(tenant.Audit{Action: "invoice.issued", ActorID: id, ActorName: "Jonas", Target: id}, known, "/a/acme", i18n.German)
	if len(parts) != 6 || parts[2].URL != "/a/acme/invoices/"+id || parts[4].URL != "/a/acme/clients/"+id || parts[5].Text != " ausgestellt" {
		t.Errorf("invoice.issued in German: %+v", parts)
	}
	for action := range operatorAuditPhrases {
		text := auditText(operatorSentenceOf(&control.OperatorAuditEntry{Action: action, AgencyID: id, AgencyName: "Acme Agency", OperatorName: "Opal", Detail: "Active → Suspended"}))
		if text == "" || !unicode.IsUpper([]rune(text)[0]) || strings.Contains(text, id) || strings.Contains(text, " did ") {
			t.Errorf("operator %s: %q", action, text)
		}
	}
}
