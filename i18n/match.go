package i18n

import "golang.org/x/text/language"

var matcher = language.NewMatcher([]language.Tag{language.English, language.Lithuanian, language.German})

// Match is the one of Languages that an Accept-Language header asks for
// first ("lt-LT,lt;q=0.9,en;q=0.8" → "lt"), or "" when it asks for none
// of them (or is empty or malformed).
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := matcher.Match(tags...)
	if conf < language.High {
		return ""
	}
	return Languages[i]
}
