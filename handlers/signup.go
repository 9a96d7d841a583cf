package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// signupForm is the public sign-up of a new agency and its owner.
type signupForm struct {
	AgencyName string
	Slug       string
	OwnerName  string
	Email      string
	Password   string
	TimeZone   string // the browser's IANA zone (app.js fills it in); UTC when empty or unknown
}

func parseSignup(c *fiber.Ctx) signupForm {
	return signupForm{
		AgencyName: formValue(c, "agency_name"),
		Slug:       formValue(c, "slug"),
		OwnerName:  formValue(c, "owner_name"),
		Email:      formValue(c, "email"),
		Password:   c.FormValue("password"),
		TimeZone:   formValue(c, "time_zone"),
	}
}

func (f *signupForm) validate() error {
	errs := map[string]string{}
	if msg := control.ValidateName(f.AgencyName, 100); msg != "" {
		errs["agency_name"] = msg
	}
	if msg := control.ValidateSlug(f.Slug); msg != "" {
		errs["slug"] = msg
	}
	if msg := control.ValidateName(f.OwnerName, 100); msg != "" {
		errs["owner_name"] = msg
	}
	email, msg := tenant.ValidateEmail(f.Email)
	if msg != "" {
		errs["email"] = msg
	}
	f.Email = email
	if msg := auth.ValidatePassword(f.Password); msg != "" {
		errs["password"] = msg
	}
	return apperr.FieldErrors(errs)
}

// signupView is the sign-up page and its form partial.
type signupView struct {
	Page
	FormErrors
	Form signupForm
}

// slugCheckView is the answer to the address typed on the sign-up form.
type slugCheckView struct {
	Page
	Message string
	OK      bool // the address is free
}

// SignupForm shows the sign-up page.
func (h *Handlers) SignupForm(c *fiber.Ctx) error {
	return h.formPage(c, "pages/signup/index", "partials/signup/form", &signupView{Page: Page{Title: "Create your agency"}}, nil)
}

// SignupSlugCheck tells, as the person types, whether an address is free.
func (h *Handlers) SignupSlugCheck(c *fiber.Ctx) error {
	slug := c.Query("slug")
	lang := langOf(c)
	msg, ok := i18n.T(lang, control.ValidateSlug(slug)), false // its messages are their own catalogue ids
	if control.ValidateSlug(slug) == "" {
		taken, err := h.Control.SlugTaken(c.UserContext(), slug)
		if err != nil {
			return err
		}
		if taken {
			msg = i18n.T(lang, "This address is already taken. Please choose another.")
		} else {
			msg, ok = i18n.T(lang, "signup.available", "Path", "/a/"+slug), true
		}
	}
	return h.fragment(c, "partials/signup/slug", &slugCheckView{Message: msg, OK: ok})
}

// Signup creates an agency with its owner and signs the owner in.
func (p *Platform) Signup(c *fiber.Ctx) error {
	h := p.Handlers
	f := parseSignup(c)
	render := func(err error) error {
		f.Password = ""
		return h.formPage(c, "pages/signup/index", "partials/signup/form", &signupView{Page: Page{Title: "Create your agency"}, Form: f}, err)
	}
	if err := h.limiter.take(limitKey("signup:ip", c.IP()), h.Config.SignupLimit); err != nil {
		return render(err)
	}
	if err := f.validate(); err != nil {
		return render(err)
	}
	hash, err := h.Hasher.Hash(c.UserContext(), f.Password)
	if err != nil {
		return err
	}
	a, owner, err := app.CreateAgency(c.UserContext(), h.Control, p.pool, app.NewAgency{
		Name: f.AgencyName, Slug: f.Slug, OwnerName: f.OwnerName, OwnerEmail: f.Email, OwnerPasswordHash: hash,
	})
	if err != nil {
		return render(err)
	}
	h.logger(c).Info("agency created", "agency", a.ID, "slug", a.Slug)
	if err := h.plans.StartSubscription(c.UserContext(), a); err != nil { // the default plan's trial
		return err
	}
	h.claimNewAgency(c, a.ID)
	if err := p.withTenant(c, a, func(t *tenant.Store) error {
		// The agency's time zone is the browser's, its language the sign-up
		// page's (both editable on the settings page).
		s := tenant.Settings{TwoFactorRequired: tenant.TwoFactorNobody, TimeZone: f.TimeZone, Language: langOf(c)}
		if !tenant.ValidTimeZone(s.TimeZone) {
			s.TimeZone = tenant.DefaultTimeZone
		}
		if err := t.SaveSettings(c.UserContext(), s, tenant.Audit{ActorID: owner.ID, ActorName: owner.Name, Action: "settings.changed", IP: c.IP()}); err != nil {
			return err
		}
		return h.startSession(c, t, a, owner)
	}); err != nil {
		return err
	}
	if err := h.Mailer.Queue(c.UserContext(), a.ID, owner.Email, "welcome", fiber.Map{
		"AgencyName": a.Name, "Name": owner.Name, "Link": h.Config.BaseURL + "/a/" + a.Slug,
	}); err != nil {
		h.logger(c).Error("queue welcome email", "err", err)
	}
	h.flash(c, "Welcome to MintedMind! Your agency is ready.")
	return h.redirect(c, "/a/"+a.Slug)
}
