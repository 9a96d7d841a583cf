package mail

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"

	"mintedmind/i18n"
)

// templateDir is where the email templates live inside the templates FS.
const templateDir = "emails"

// emailTemplate is one emails/<name>.txt file, split at load time into its
// "Subject: ..." line and its body, so that data rendered into the subject
// can never spill into the body or add a header.
type emailTemplate struct {
	subject *template.Template
	body    *template.Template
}

// loadTemplates parses every emails/*.txt file in templates.
func loadTemplates(templates fs.FS) (map[string]*emailTemplate, error) {
	files, err := fs.Glob(templates, templateDir+"/*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: list email templates: %w", err)
	}
	out := make(map[string]*emailTemplate, len(files))
	for _, file := range files {
		src, err := fs.ReadFile(templates, file)
		if err != nil {
			return nil, fmt.Errorf("mail: read template %s: %w", file, err)
		}
		t, err := parseEmailTemplate(file, string(src))
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(file), ".txt")] = t
	}
	return out, nil
}

// parseEmailTemplate parses one template whose first line is "Subject: ...",
// the second is blank and the rest is the body.
func parseEmailTemplate(file, src string) (*emailTemplate, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	first, rest, _ := strings.Cut(src, "\n")
	subject, ok := strings.CutPrefix(first, "Subject:")
	if !ok {
		return nil, fmt.Errorf("mail: template %s: first line must be \"Subject: ...\"", file)
	}
	body, ok := strings.CutPrefix(rest, "\n")
	if !ok {
		return nil, fmt.Errorf("mail: template %s: the subject line must be followed by a blank line", file)
	}
	st, err := template.New(file + ":subject").Funcs(textFuncs).Option("missingkey=error").Parse(strings.TrimSpace(subject))
	if err != nil {
		return nil, fmt.Errorf("mail: parse template %s subject: %w", file, err)
	}
	bt, err := template.New(file).Funcs(textFuncs).Option("missingkey=error").Parse(body)
	if err != nil {
		return nil, fmt.Errorf("mail: parse template %s: %w", file, err)
	}
	return &emailTemplate{subject: st, body: bt}, nil
}

// render executes the template with data and returns the subject, on one
// line, and the body.
func (t *emailTemplate) render(data any) (subject, body string, err error) {
	var sb, bb bytes.Buffer
	if err := t.subject.Execute(&sb, data); err != nil {
		return "", "", err
	}
	if err := t.body.Execute(&bb, data); err != nil {
		return "", "", err
	}
	return oneLine(sb.String()), strings.TrimRight(strings.ReplaceAll(bb.String(), "\r\n", "\n"), " \t\n") + "\n", nil
}

// oneLine turns CR and LF into spaces and collapses runs of white space, so
// a value rendered into a header cannot start a new header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// InviteData fills emails/invite.txt.
type InviteData struct {
	AgencyName  string
	InviterName string // may be empty
	Role        string
	Link        string
	ExpiresAt   time.Time
}

// PasswordResetData fills emails/password-reset.txt.
type PasswordResetData struct {
	AgencyName string
	Name       string
	Link       string
	ValidFor   string // e.g. "1 hour"
}

// WelcomeData fills emails/welcome.txt.
type WelcomeData struct {
	AgencyName string
	Name       string
	Link       string
}

// textFuncs are the functions the plain-text templates call: t, a
// message of the recipient's language ({{t .Lang "email.invoice.sent"}}).
var textFuncs = template.FuncMap{"t": i18n.T}
