package handlers

import (
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"
)

// agencyOutboxView is an agency's own outbox, for its owners.
type agencyOutboxView struct {
	Page
	Emails []agencyOutboxEmail
}

// agencyOutboxEmail is one email of it, its single-use links cut out.
type agencyOutboxEmail struct {
	Kind, Subject, To, Status, LastError, Body string
	Attempts                                   int
	CreatedAt                                  time.Time
}

// singleUseLink matches the links an email hands one person once: an
// invitation (staff or contact) and a password reset. Anyone holding one
// could act as its recipient, so the owners' outbox does not show them.
var singleUseLink = regexp.MustCompile(`https?://\S*/(invite|reset)/\S+`)

// removedLink stands where a single-use link was.
const removedLink = "[single-use link, not shown]"

// withoutSingleUseLinks is body with each single-use link replaced.
func withoutSingleUseLinks(body string) string {
	return singleUseLink.ReplaceAllString(body, removedLink)
}

// AgencyOutbox lists the agency's emails with their bodies for its owners,
// minus live single-use links.
func (h *Handlers) AgencyOutbox(c *fiber.Ctx, r *Request) error {
	emails, err := h.Control.AgencyEmails(c.UserContext(), r.Agency.ID, 200)
	if err != nil {
		return err
	}
	view := &agencyOutboxView{Page: Page{Title: "set.outbox.title"}}
	for _, e := range emails {
		view.Emails = append(view.Emails, agencyOutboxEmail{Kind: e.Kind, Subject: e.Subject, To: e.To, Status: e.Status,
			LastError: e.LastError, Body: withoutSingleUseLinks(e.Body), Attempts: e.Attempts, CreatedAt: r.local(e.CreatedAt)})
	}
	return h.page(c, "pages/settings/outbox", view)
}
