package handlers

import "mintedmind/db/tenant"

// mailAuthView is what the SMTP listener found of a reply by email's
// sender authentication, shown to staff beside "by email" in the thread
// and the case history (views/partials/messages/mail-auth.html). A pass
// reads plainly; anything else (no signature, an SPF fail or softfail, a
// lookup that failed) is marked as a warning: the email may not be from
// whom it says. It is comparable, as the history's cached events are.
type mailAuthView struct {
	Lang             string
	DKIM, DKIMDomain string // "" on a message written on the page
	SPF              string
}

// newMailAuthView is a message's mail authentication for the staff's pages.
func newMailAuthView(lang string, a tenant.MailAuth) mailAuthView {
	return mailAuthView{Lang: lang, DKIM: a.DKIM, DKIMDomain: a.DKIMDomain, SPF: a.SPF}
}

// DKIMWarn reports whether the DKIM result is anything but a pass.
func (v mailAuthView) DKIMWarn() bool { return v.DKIM != "pass" }

// SPFWarn reports whether the SPF result is anything but a pass.
func (v mailAuthView) SPFWarn() bool { return v.SPF != "pass" }
