package handlers

import (
	"context"
	"time"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// quoteEventView is one entry of a quote's timeline: when (in the
// agency's zone), what happened as a sentence, and its detail.
type quoteEventView struct {
	At       time.Time
	Kind     string
	Sentence string
	Detail   string
}

// clientHidden are the kinds the portal does not show: the agency's drafts.
var clientHidden = map[string]bool{"created": true, "revised": true}

// quoteTimeline is a quote's history as v may see it, oldest first; for
// a contact (forClient) without the agency's drafting entries.
func quoteTimeline(ctx context.Context, r *Request, v tenant.Viewer, id string, forClient bool) ([]quoteEventView, error) {
	events, err := r.Tenant.QuoteEvents(ctx, v, id)
	if err != nil {
		return nil, err
	}
	out := make([]quoteEventView, 0, len(events))
	for _, e := range events {
		if forClient && clientHidden[e.Kind] {
			continue
		}
		out = append(out, quoteEventView{At: r.local(e.At), Kind: e.Kind, Sentence: quoteEventText(r.Lang(), e), Detail: e.Detail})
	}
	return out, nil
}

// quoteEventText says what quote event e was, in lang: the catalogue's
// "quote.event.<kind>" with {{.Actor}}; a kind the catalogues lack stays
// app.QuoteEventSentence's English (which the signed PDF's trail keeps).
func quoteEventText(lang string, e tenant.QuoteEvent) string {
	actor := e.ActorName
	if actor == "" {
		actor = i18n.T(lang, "event.someone")
	}
	id := "quote.event." + e.Kind
	if s := i18n.T(lang, id, "Actor", actor); s != id {
		return s
	}
	return app.QuoteEventSentence(e)
}
