package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Locales holds the message files, one per language: locales/<lang>.json,
// a flat map from message id to its text, or for a message that counts
// something to its plural forms ("one", "few", "other" for Lithuanian;
// "one", "other" for English and German) with {{.Count}} where the
// number goes. Adding a language is adding its file (and its name to
// Languages).
//
//go:embed locales/*.json
var Locales embed.FS

var (
	bundleOnce sync.Once
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	englishIDs map[string]bool // the ids of the English catalogue
	pluralIDs  map[string]bool // those of its messages with plural forms
	bundleErr  error
)

func load() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	localizers = map[string]*goi18n.Localizer{}
	for _, l := range Languages {
		if _, err := bundle.LoadMessageFileFS(Locales, "locales/"+l+".json"); err != nil {
			bundleErr = fmt.Errorf("i18n: %s: %w", l, err)
			return
		}
		localizers[l] = goi18n.NewLocalizer(bundle, l)
	}
	en, err := Messages(English)
	if err != nil {
		bundleErr = err
		return
	}
	englishIDs, pluralIDs = make(map[string]bool, len(en)), map[string]bool{}
	for id, forms := range en {
		englishIDs[id] = true
		pluralIDs[id] = forms != ""
	}
	bundleErr = loadFilled()
}

// Load reads the embedded message files, reporting a file that does not
// parse; T calls it on first use (the server calls it at start).
func Load() error {
	bundleOnce.Do(load)
	return bundleErr
}

// T is message id in lang (English for a language the app lacks, and for
// a message missing from lang's file, which TestEveryKeyInEveryLanguage
// forbids). args are either one count (an int), choosing the plural form
// and written as {{.Count}} with the language's thousands separator, or
// name/value pairs for the message's {{.Name}}s (a "Count" that is an int
// chooses the plural form, as one count does). An English text of a
// "filled.*" message is that message in lang (see FilledPrefix). An
// unknown id is the id itself, so a missing key shows on the page instead
// of an empty space.
func T(lang, id string, args ...any) string {
	if err := Load(); err != nil {
		return id
	}
	if len(args) == 0 && !englishIDs[id] {
		if fid, fargs, ok := filled(id); ok {
			return T(lang, fid, fargs...)
		}
	}
	if pseudo(lang) {
		if !englishIDs[id] {
			return T(English, id, args...) // not a catalogue's: left bare for the pseudo-locale test to find
		}
		return PseudoOpen + T(English, id, args...) + PseudoClose
	}
	loc := localizers[lang]
	if loc == nil {
		loc = localizers[English]
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	data := map[string]any{}
	if len(args) == 1 {
		if n, ok := toInt(args[0]); ok {
			cfg.PluralCount = n
			data["Count"] = Number(lang, n)
		}
	} else {
		for i := 0; i+1 < len(args); i += 2 {
			k, ok := args[i].(string)
			if !ok {
				continue
			}
			data[k] = args[i+1]
			if n, isInt := toInt(args[i+1]); isInt && k == "Count" && pluralIDs[id] {
				cfg.PluralCount = n
				data[k] = Number(lang, n)
			}
		}
	}
	cfg.TemplateData = data
	s, err := loc.Localize(cfg)
	if s == "" && err != nil {
		return id
	}
	return s
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	}
	return 0, false
}

// Messages reads lang's message file: each id and, for a plural message,
// its forms in order ("few,one,other"); "" for a plain message.
func Messages(lang string) (map[string]string, error) {
	b, err := fs.ReadFile(Locales, "locales/"+lang+".json")
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("i18n: %s: %w", lang, err)
	}
	out := make(map[string]string, len(raw))
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = ""
		case map[string]any:
			var forms []string
			for f := range v {
				forms = append(forms, f)
			}
			sort.Strings(forms)
			out[id] = strings.Join(forms, ",")
		default:
			return nil, fmt.Errorf("i18n: %s: %s is neither a text nor plural forms", lang, id)
		}
	}
	return out, nil
}
