package handlers

import (
	"reflect"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// The settings page of the agency's API tokens (issue 20): owners and
// admins make a token with a name, a scope per area and an optional
// expiry, see its secret once, see each token's last use and revoke it.
// The rules (names, scopes, expiry, the agency's most tokens) are
// tenant.ValidateAPIToken's and tenant.CreateAPIToken's.

func init() {
	viewModels["pages/settings/api-tokens"] = reflect.TypeFor[*apiTokensView]()
}

// apiTokensView is Settings › API tokens.
type apiTokensView struct {
	Page
	FormErrors
	Base   string
	Tokens []apiTokenRow
	Areas  []apiAreaChoice
	Form   apiTokenForm
	Secret string // the new token's secret, shown on this answer only
	Made   string // the new token's name
}

// apiTokenRow is one token in the list.
type apiTokenRow struct {
	Name, Hint, Scopes, Creator, Created, Expires, LastUsed, LastUsedIP, State string
	RevokeURL                                                                  string
	Live                                                                       bool
}

// apiAreaChoice is one area's scope choice on the form.
type apiAreaChoice struct {
	Area, Name, Level string
}

// apiTokenForm is the form's values, kept after a refusal.
type apiTokenForm struct {
	Name, Expires string
}

func apiTokensBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/api-tokens" }

const apiTokenDay = "2006-01-02"

func (h *Handlers) apiTokensPage(c *fiber.Ctx, r *Request, form apiTokenForm, levels map[string]string) (*apiTokensView, error) {
	tokens, err := r.Tenant.APITokens(c.UserContext())
	if err != nil {
		return nil, err
	}
	now := h.Clock.Now()
	lang := r.Lang()
	v := &apiTokensView{Page: Page{Title: "set.api.title"}, Base: apiTokensBase(r), Form: form}
	for _, k := range tokens {
		scopes := make([]string, len(k.Scopes))
		for i, s := range k.Scopes { // "clients:read": the area and the level, in words
			area, level, _ := strings.Cut(s, ":")
			scopes[i] = i18n.T(lang, "set.api.area."+area) + ": " + i18n.T(lang, "set.api.level."+level)
		}
		row := apiTokenRow{Name: k.Name, Hint: k.Hint, Scopes: strings.Join(scopes, ", "), Creator: k.Creator,
			Created: k.CreatedAt.UTC().Format(apiTokenDay), Expires: i18n.T(lang, "set.api.never"), LastUsed: i18n.T(lang, "set.api.never"), LastUsedIP: k.LastUsedIP,
			RevokeURL: v.Base + "/" + k.ID + "/revoke", Live: k.Live(now), State: i18n.T(lang, "set.api.live")}
		if !k.ExpiresAt.IsZero() {
			row.Expires = k.ExpiresAt.UTC().Format(apiTokenDay)
		}
		if !k.LastUsedAt.IsZero() {
			row.LastUsed = k.LastUsedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		switch {
		case !k.RevokedAt.IsZero():
			row.State = i18n.T(lang, "set.api.revoked_on", "Date", k.RevokedAt.UTC().Format(apiTokenDay))
		case !row.Live:
			row.State = i18n.T(lang, "set.api.expired")
		}
		v.Tokens = append(v.Tokens, row)
	}
	for _, area := range tenant.APIAreas {
		v.Areas = append(v.Areas, apiAreaChoice{Area: area, Name: "scope_" + area, Level: levels[area]})
	}
	return v, nil
}

// APITokens is Settings › API tokens.
func (h *Handlers) APITokens(c *fiber.Ctx, r *Request) error {
	v, err := h.apiTokensPage(c, r, apiTokenForm{}, nil)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/settings/api-tokens", "pages/settings/api-tokens", v, nil)
}

// APITokenCreate makes a token and shows its secret, once.
func (h *Handlers) APITokenCreate(c *fiber.Ctx, r *Request) error {
	form := apiTokenForm{Name: c.FormValue("name"), Expires: strings.TrimSpace(c.FormValue("expires"))}
	levels := map[string]string{}
	in := tenant.APITokenInput{Name: form.Name}
	for _, area := range tenant.APIAreas {
		if lv := c.FormValue("scope_" + area); lv != "" {
			levels[area] = lv
			in.Scopes = append(in.Scopes, area+":"+lv)
		}
	}
	var err error
	if form.Expires != "" {
		day, perr := time.Parse(apiTokenDay, form.Expires)
		if perr != nil {
			err = apperr.FieldErrors(map[string]string{"expires": "Give the expiry as a date, such as 2027-01-31, or leave it empty."})
		}
		in.ExpiresAt = day
	}
	var k *tenant.APIToken
	var secret string
	if err == nil {
		k, secret, err = r.Tenant.CreateAPIToken(c.UserContext(), r.User, in, auditFor(c, "api_token.created", ""))
	}
	if err != nil {
		v, verr := h.apiTokensPage(c, r, form, levels)
		if verr != nil {
			return verr
		}
		return h.formPage(c, "pages/settings/api-tokens", "pages/settings/api-tokens", v, err)
	}
	v, err := h.apiTokensPage(c, r, apiTokenForm{}, nil)
	if err != nil {
		return err
	}
	v.Secret, v.Made = secret, k.Name
	return h.formPage(c, "pages/settings/api-tokens", "pages/settings/api-tokens", v, nil)
}

// APITokenRevoke ends a token at once.
func (h *Handlers) APITokenRevoke(c *fiber.Ctx, r *Request) error {
	k, err := r.Tenant.RevokeAPIToken(c.UserContext(), c.Params("id"), auditFor(c, "api_token.revoked", ""))
	if err != nil {
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "set.api.revoked_flash", "Name", k.Name))
	return h.redirect(c, apiTokensBase(r))
}
