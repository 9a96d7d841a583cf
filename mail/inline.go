package mail

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Mail clients drop or ignore <style> blocks (Gmail's apps, Outlook), so
// the email layout's CSS is written once, in the layout's <style>, and
// copied into style attributes when the templates are loaded: inlineCSS
// does that for the simple selectors the layout uses (tag, .class,
// tag.class, and lists of them). @media rules (dark mode, narrow screens)
// cannot be inlined and stay in the <style> block, for the clients that
// read it; they override the inline styles with !important.

// cssRule is one selector of the layout's style sheet and its declarations.
type cssRule struct {
	tag, class string
	decls      string
	order      int
}

// specificity orders rules as CSS does for these selectors: a tag, then a
// class, then both.
func (r cssRule) specificity() int {
	s := 0
	if r.tag != "" {
		s++
	}
	if r.class != "" {
		s += 10
	}
	return s
}

var (
	styleBlock = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	selectorRe = regexp.MustCompile(`^([a-z][a-z0-9]*)?(?:\.([a-zA-Z][a-zA-Z0-9_-]*))?$`)
	// startTag is an HTML start tag; quoted attribute values may hold ">".
	startTag = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	classRe  = regexp.MustCompile(`\sclass="([^"]*)"`)
	styleRe  = regexp.MustCompile(`\sstyle="([^"]*)"`)
)

// parseCSS splits a style sheet into the rules to inline and the text to
// keep in a <style> block (the @media rules). vars replaces var(--name)
// everywhere, since mail clients do not know custom properties.
func parseCSS(css string, vars map[string]string) ([]cssRule, string, error) {
	css = cssComment.ReplaceAllString(css, "")
	subst := func(s string) string {
		for name, v := range vars {
			s = strings.ReplaceAll(s, "var("+name+")", v)
		}
		return s
	}
	var rules []cssRule
	var keep strings.Builder
	for rest := strings.TrimSpace(css); rest != ""; rest = strings.TrimSpace(rest) {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return nil, "", fmt.Errorf("mail: layout CSS: text after the last rule: %q", rest)
		}
		head := strings.TrimSpace(rest[:open])
		if strings.HasPrefix(head, "@") {
			end, err := matchingBrace(rest, open)
			if err != nil {
				return nil, "", err
			}
			keep.WriteString(subst(rest[:end+1]) + "\n")
			rest = rest[end+1:]
			continue
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, "", fmt.Errorf("mail: layout CSS: rule %q has no closing brace", head)
		}
		decls := strings.TrimSpace(rest[open+1 : open+end])
		if strings.Contains(decls, "{") {
			return nil, "", fmt.Errorf("mail: layout CSS: rule %q holds a brace", head)
		}
		// Double quotes would end the style attribute: CSS takes single ones.
		decls = subst(strings.ReplaceAll(strings.TrimSuffix(strings.Join(strings.Fields(decls), " "), ";"), `"`, `'`))
		for _, sel := range strings.Split(head, ",") {
			sel = strings.TrimSpace(sel)
			m := selectorRe.FindStringSubmatch(sel)
			if m == nil || sel == "" {
				return nil, "", fmt.Errorf("mail: layout CSS: selector %q cannot be inlined (use tag, .class or tag.class, or put it in an @media rule)", sel)
			}
			rules = append(rules, cssRule{tag: m[1], class: m[2], decls: decls, order: len(rules)})
		}
		rest = rest[open+end+1:]
	}
	return rules, keep.String(), nil
}

// matchingBrace returns the index of the brace that closes the one at open.
func matchingBrace(s string, open int) (int, error) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("mail: layout CSS: unclosed block %q", strings.TrimSpace(s[:open]))
}

// inlineCSS writes the declarations of every rule matching an element into
// its style attribute, in the cascade's order (less specific first, then
// source order), before the element's own style, which wins.
func inlineCSS(src string, rules []cssRule) string {
	return startTag.ReplaceAllStringFunc(src, func(tag string) string {
		m := startTag.FindStringSubmatch(tag)
		name, attrs := strings.ToLower(m[1]), m[2]
		classes := map[string]bool{}
		if c := classRe.FindStringSubmatch(attrs); c != nil {
			for _, cl := range strings.Fields(c[1]) {
				classes[cl] = true
			}
		}
		var matched []cssRule
		for _, r := range rules {
			if (r.tag == "" || r.tag == name) && (r.class == "" || classes[r.class]) {
				matched = append(matched, r)
			}
		}
		if len(matched) == 0 {
			return tag
		}
		sort.SliceStable(matched, func(i, j int) bool {
			if matched[i].specificity() != matched[j].specificity() {
				return matched[i].specificity() < matched[j].specificity()
			}
			return matched[i].order < matched[j].order
		})
		var decls []string
		for _, r := range matched {
			decls = append(decls, r.decls)
		}
		if s := styleRe.FindStringSubmatch(attrs); s != nil {
			decls = append(decls, strings.TrimSuffix(strings.TrimSpace(s[1]), ";"))
			attrs = styleRe.ReplaceAllString(attrs, "")
		}
		selfClose := strings.HasSuffix(attrs, "/")
		attrs = strings.TrimSuffix(attrs, "/")
		out := "<" + m[1] + strings.TrimRight(attrs, " ") + ` style="` + strings.Join(decls, "; ") + `"`
		if selfClose {
			out += " /"
		}
		return out + ">"
	})
}

// inlineLayout takes the layout's <style> block out, inlines its rules
// into the layout and returns them for the content templates; the @media
// rules stay in the block.
func inlineLayout(layout string, vars map[string]string) (string, []cssRule, error) {
	m := styleBlock.FindStringSubmatchIndex(layout)
	if m == nil {
		return "", nil, fmt.Errorf("mail: the email layout has no <style> block")
	}
	rules, keep, err := parseCSS(layout[m[2]:m[3]], vars)
	if err != nil {
		return "", nil, err
	}
	out := layout[:m[0]] + "<style>\n" + keep + "</style>" + layout[m[1]:]
	return inlineCSS(out, rules), rules, nil
}
