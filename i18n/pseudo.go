package i18n

import "sync/atomic"

// Pseudo is a hidden language for tests: every message is its English
// text wrapped in ⟦…⟧, so a page rendered in it shows at a glance (and
// to TestEveryPageThroughThePseudoLocale) which words did not come from
// a catalogue. It is no choice of any page, and Supported knows it only
// after EnablePseudo.
const Pseudo = "qps"

// Pseudo markers around each message.
const (
	PseudoOpen  = "⟦"
	PseudoClose = "⟧"
)

var pseudoOn atomic.Bool

// EnablePseudo lets Pseudo be a person's, an agency's or a visitor's
// language for the rest of the process (tests only).
func EnablePseudo() { pseudoOn.Store(true) }

func pseudo(lang string) bool { return lang == Pseudo && pseudoOn.Load() }
