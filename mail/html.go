package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"mintedmind/i18n"
)

// layoutFile is the one layout every HTML email is drawn in.
const layoutFile = templateDir + "/layout.html"

// logoCID is the Content-ID of the inline logo the layout shows.
const logoCID = "logo"

// htmlEmails are the HTML parts: one template per emails/<name>.html
// holding the email's content, and the shared layout around it, all with
// the layout's CSS already inlined.
type htmlEmails struct {
	layout  *template.Template
	content map[string]*template.Template
}

// htmlFuncs are the functions the HTML templates call; accent is bound to
// the brand of each email when it is rendered.
func htmlFuncs(accent string) template.FuncMap {
	return template.FuncMap{"accent": func() string { return accent }, "t": i18n.T}
}

// cssVars are the layout CSS's custom properties, replaced at load time.
var cssVars = map[string]string{"--accent": "{{accent}}"}

// loadHTML parses the layout and every emails/<name>.html, inlining the
// layout's CSS into both; every text template must have its HTML twin.
func loadHTML(templates fs.FS, text map[string]*emailTemplate) (*htmlEmails, error) {
	src, err := fs.ReadFile(templates, layoutFile)
	if err != nil {
		return nil, fmt.Errorf("mail: read email layout: %w", err)
	}
	layoutSrc, rules, err := inlineLayout(string(src), cssVars)
	if err != nil {
		return nil, err
	}
	h := &htmlEmails{content: map[string]*template.Template{}}
	if h.layout, err = template.New(layoutFile).Funcs(htmlFuncs("")).Option("missingkey=error").Parse(layoutSrc); err != nil {
		return nil, fmt.Errorf("mail: parse email layout: %w", err)
	}
	files, err := fs.Glob(templates, templateDir+"/*.html")
	if err != nil {
		return nil, fmt.Errorf("mail: list HTML email templates: %w", err)
	}
	for _, file := range files {
		if file == layoutFile {
			continue
		}
		name := strings.TrimSuffix(path.Base(file), ".html")
		if _, ok := text[name]; !ok {
			return nil, fmt.Errorf("mail: %s has no plain-text twin %s/%s.txt", file, templateDir, name)
		}
		src, err := fs.ReadFile(templates, file)
		if err != nil {
			return nil, fmt.Errorf("mail: read template %s: %w", file, err)
		}
		t, err := template.New(file).Funcs(htmlFuncs("")).Option("missingkey=error").Parse(inlineCSS(string(src), rules))
		if err != nil {
			return nil, fmt.Errorf("mail: parse template %s: %w", file, err)
		}
		h.content[name] = t
	}
	for name := range text {
		if _, ok := h.content[name]; !ok {
			return nil, fmt.Errorf("mail: template %s/%s.txt has no HTML twin %s/%s.html", templateDir, name, templateDir, name)
		}
	}
	return h, nil
}

// layoutData is what the layout is rendered with.
type layoutData struct {
	Subject string
	Brand   Brand
	LogoSrc template.URL // "cid:logo", or "" without a logo
	Opening string       // the agency's own opening paragraph, or ""
	Content template.HTML
}

// render draws email name with data in the layout, in brand's colours.
func (h *htmlEmails) render(name, subject, opening string, data any, b Brand, adjust func(*layoutData)) (string, error) {
	t, err := h.content[name].Clone()
	if err != nil {
		return "", err
	}
	var content bytes.Buffer
	if err := t.Funcs(htmlFuncs(b.Accent)).Execute(&content, data); err != nil {
		return "", err
	}
	l, err := h.layout.Clone()
	if err != nil {
		return "", err
	}
	d := layoutData{Subject: subject, Brand: b, Opening: opening, Content: template.HTML(content.String())}
	if b.Logo != nil {
		d.LogoSrc = "cid:" + logoCID
	}
	if adjust != nil {
		adjust(&d)
	}
	var out bytes.Buffer
	if err := l.Funcs(htmlFuncs(b.Accent)).Execute(&out, d); err != nil {
		return "", err
	}
	return out.String(), nil
}
