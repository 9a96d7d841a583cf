package app

import (
	"context"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
)

// MailBranding is how the mailer brands an agency's email: its name from
// the control database, its accent colour, logo and sender name from its
// own. An agency whose database cannot be opened (degraded) still gets
// its mail, with its name and no logo.
func MailBranding(ctl *control.Store, pool *tenant.Pool) mail.BrandFunc {
	return func(ctx context.Context, agencyID string) (mail.Brand, error) {
		a, err := ctl.AgencyByID(ctx, agencyID)
		if err != nil {
			return mail.Brand{}, err
		}
		b := mail.Brand{Name: a.Name}
		t, release, err := pool.Acquire(ctx, agencyID)
		if err != nil {
			return b, nil
		}
		defer release()
		s, err := t.Settings(ctx)
		if err != nil {
			return b, nil
		}
		b.Accent = s.Accent
		if b.SenderName, err = t.EmailSenderName(ctx); err != nil {
			return b, nil
		}
		texts, err := t.EmailTexts(ctx)
		if err != nil {
			return b, nil
		}
		b.Texts = make(map[string]mail.Text, len(texts))
		for kind, x := range texts {
			b.Texts[kind] = mail.Text{Subject: x.Subject, Opening: x.Opening}
		}
		if s.LogoVersion != 0 {
			l, err := t.BrandLogo(ctx)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return b, nil
			}
			if l != nil {
				b.Logo, b.LogoType = l.Data, l.ContentType
			}
		}
		return b, nil
	}
}
