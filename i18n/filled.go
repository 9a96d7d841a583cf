package i18n

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// FilledPrefix starts the ids of the messages that code writes in English
// with values in them ("Use at most 100 characters.") where no language
// is at hand (a validation in db/ or auth/). Such a message stays its own
// id, as every validation message is: T recognises it by the English forms
// of a "filled.*" message ("Use at most {{.Count}} characters."), reads
// the values back out of it and gives that message in the page's language,
// the plural form chosen by {{.Count}}.
const FilledPrefix = "filled."

// filledMessage is one "filled.*" message's English form as a pattern.
type filledMessage struct {
	id      string
	pattern *regexp.Regexp
	names   []string // the placeholders, in the pattern's group order
}

var (
	filledMessages []filledMessage
	placeholder    = regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)
)

// loadFilled builds the patterns of the English catalogue's "filled.*"
// messages (each plural form one pattern).
func loadFilled() error {
	b, err := fs.ReadFile(Locales, "locales/"+English+".json")
	if err != nil {
		return err
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var ids []string
	for id := range raw {
		if strings.HasPrefix(id, FilledPrefix) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	filledMessages = nil
	for _, id := range ids {
		var forms []string
		switch v := raw[id].(type) {
		case string:
			forms = []string{v}
		case map[string]any:
			for _, f := range []string{"one", "other"} {
				if s, ok := v[f].(string); ok {
					forms = append(forms, s)
				}
			}
		}
		for _, text := range forms {
			filledMessages = append(filledMessages, filledPattern(id, text))
		}
	}
	return nil
}

// filledPattern is text with its placeholders as groups: {{.Count}} a
// number (as Go's %d writes it, or with commas), any other a run of text.
func filledPattern(id, text string) filledMessage {
	m := filledMessage{id: id}
	var sb strings.Builder
	sb.WriteString("^")
	last := 0
	for _, loc := range placeholder.FindAllStringSubmatchIndex(text, -1) {
		sb.WriteString(regexp.QuoteMeta(text[last:loc[0]]))
		name := text[loc[2]:loc[3]]
		if name == "Count" {
			sb.WriteString(`(\d[\d,]*)`)
		} else {
			sb.WriteString(`(.+?)`)
		}
		m.names = append(m.names, name)
		last = loc[1]
	}
	sb.WriteString(regexp.QuoteMeta(text[last:]))
	sb.WriteString("$")
	m.pattern = regexp.MustCompile(sb.String())
	return m
}

// filled is the "filled.*" message whose English form text is, with the
// values it holds as name/value pairs for T ({{.Count}} an int).
func filled(text string) (id string, args []any, ok bool) {
	for _, m := range filledMessages {
		got := m.pattern.FindStringSubmatch(text)
		if got == nil {
			continue
		}
		for i, name := range m.names {
			if name == "Count" {
				n, err := strconv.Atoi(strings.ReplaceAll(got[i+1], ",", ""))
				if err != nil {
					return "", nil, false
				}
				args = append(args, name, n)
				continue
			}
			args = append(args, name, got[i+1])
		}
		return m.id, args, true
	}
	return "", nil, false
}
