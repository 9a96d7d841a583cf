package handlers

import "reflect"

// agencyViews are the agency pages (dashboard, search, settings, branding, audit, privacy, cookies, landing)'s templates and their view models.
var agencyViews = map[string]reflect.Type{}
