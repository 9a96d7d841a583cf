package handlers

import "reflect"

// accountViews are the sign-in and account pages (login, sign-up, reset, setup, invitations, two-factor, account, sessions, team)'s templates and their view models.
var accountViews = map[string]reflect.Type{
	"pages/login/index":         reflect.TypeFor[*loginView](),
	"partials/login/form":       reflect.TypeFor[*loginView](),
	"pages/login/choose":        reflect.TypeFor[*loginChooseView](),
	"pages/login/two-factor":    reflect.TypeFor[*loginCodeView](),
	"pages/signup/index":        reflect.TypeFor[*signupView](),
	"partials/signup/form":      reflect.TypeFor[*signupView](),
	"partials/signup/slug":      reflect.TypeFor[*slugCheckView](),
	"pages/reset/forgot":        reflect.TypeFor[*forgotView](),
	"partials/reset/forgot":     reflect.TypeFor[*forgotView](),
	"pages/reset/reset":         reflect.TypeFor[*resetView](),
	"partials/reset/reset":      reflect.TypeFor[*resetView](),
	"pages/setup/index":         reflect.TypeFor[*setupView](),
	"partials/setup/form":       reflect.TypeFor[*setupView](),
	"pages/invite/accept":       reflect.TypeFor[*inviteAcceptView](),
	"partials/invite/accept":    reflect.TypeFor[*inviteAcceptView](),
	"pages/account/index":       reflect.TypeFor[*accountView](),
	"partials/account/password": reflect.TypeFor[*accountView](),
	"pages/account/sessions":    reflect.TypeFor[*sessionsView](),
	"pages/account/two-factor":  reflect.TypeFor[*twoFactorView](),
	"pages/users/index":         reflect.TypeFor[*usersView](),
	"partials/users/invite":     reflect.TypeFor[*usersView](),
}
