package handlers

import "reflect"

// accountViews are the sign-in and account pages (login, sign-up, reset, setup, invitations, two-factor, account, sessions, team)'s templates and their view models.
var accountViews = map[string]reflect.Type{}
