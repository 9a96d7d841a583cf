package handlers_test

import "net/url"

var (
	privacySignedIn = []string{clientRole, staff, admin, owner}
	privacyStaff    = []string{staff, admin, owner}
	privacyAdmins   = []string{admin, owner}
)

// privacyMatrix says who may use each of routes_privacy.go's routes.
var privacyMatrix = map[string]matrixRow{
	"GET /privacy":                {allowed: everyone},
	"GET /a/:slug/privacy-notice": {allowed: everyone},
	"GET /cookies":                {allowed: everyone},
	"POST /consent":               {allowed: everyone, form: func(f *matrixFixture) url.Values { return url.Values{"choice": {"essential"}} }},
	"GET /a/:slug/cookies":        {allowed: everyone},
	"POST /a/:slug/consent": {allowed: everyone, form: func(f *matrixFixture) url.Values {
		return url.Values{"choice": {"analytics"}, "next": {"/a/" + f.a.Slug + "/cookies"}}
	}},

	"POST /operator/consent": {allowed: []string{operator}, form: func(f *matrixFixture) url.Values { return url.Values{"choice": {"essential"}} }},

	"GET /a/:slug/account/data":      {allowed: privacySignedIn},
	"POST /a/:slug/account/profile":  {allowed: privacySignedIn, form: func(f *matrixFixture) url.Values { return url.Values{"name": {"Renamed Person"}} }},
	"GET /a/:slug/account/data.zip":  {allowed: privacySignedIn},
	"POST /a/:slug/account/deletion": {allowed: privacySignedIn},

	"GET /a/:slug/clients/:id/export.zip": {allowed: privacyStaff},
	"GET /a/:slug/clients/:id/erase":      {allowed: privacyAdmins},
	"POST /a/:slug/clients/:id/erase":     {allowed: privacyAdmins, form: func(f *matrixFixture) url.Values { return url.Values{"confirm_name": {"Nobody"}} }},
	"GET /a/:slug/privacy":                {allowed: privacyAdmins},
	"POST /a/:slug/privacy/settings": {allowed: privacyAdmins, form: func(f *matrixFixture) url.Values {
		return url.Values{"invoice_retention_years": {"10"}}
	}},
	"POST /a/:slug/privacy/requests/:id/erase": {allowed: privacyAdmins},
	"POST /a/:slug/privacy/notice": {allowed: privacyAdmins, form: func(f *matrixFixture) url.Values {
		return url.Values{"notice": {"1. Who we are\nA test agency."}}
	}},
	"POST /a/:slug/privacy/requests/:id/decline": {allowed: privacyAdmins},
	"GET /a/:slug/archive.tar.gz":                {allowed: []string{owner}},
	"GET /operator/privacy":                      {allowed: []string{operator}},
	"POST /operator/privacy/controller": {allowed: []string{operator}, form: func(f *matrixFixture) url.Values {
		return url.Values{"controller_name": {"Host Co"}, "controller_email": {"privacy@host.test"}}
	}},
	"POST /operator/privacy/policy": {allowed: []string{operator}, form: func(f *matrixFixture) url.Values {
		return url.Values{"body": {"1. Who we are\nA test policy " + f.a.Slug}}
	}},
	"GET /operator/agencies/:id/archive.tar.gz": {allowed: []string{operator}},
	"POST /operator/agencies/:id/restore":       {allowed: []string{operator}},
}
