package handlers_test

import "net/url"

// quoteMatrix says who may use each of routes_quotes.go's routes.
var quoteMatrix = map[string]matrixRow{
	"GET /a/:slug/quotes":                           {allowed: staffUp},
	"GET /a/:slug/quotes/new":                       {allowed: staffUp},
	"GET /a/:slug/quotes/line":                      {allowed: staffUp},
	"POST /a/:slug/quotes":                          {allowed: staffUp},
	"GET /a/:slug/quotes/:id":                       {allowed: staffUp},
	"GET /a/:slug/quotes/:id/edit":                  {allowed: staffUp},
	"GET /a/:slug/quotes/:id/pdf":                   {allowed: staffUp},
	"POST /a/:slug/quotes/:id":                      {allowed: staffUp},
	"POST /a/:slug/quotes/:id/send":                 {allowed: staffUp},
	"POST /a/:slug/quotes/:id/revise":               {allowed: staffUp},
	"POST /a/:slug/quotes/:id/withdraw":             {allowed: staffUp},
	"POST /a/:slug/quotes/:id/delete":               {allowed: staffUp},
	"POST /a/:slug/quotes/:id/answers":              {allowed: staffUp, form: func(f *matrixFixture) url.Values { return url.Values{"body": {"Yes."}} }},
	"GET /a/:slug/portal/quotes":                    {allowed: []string{clientRole}},
	"GET /a/:slug/portal/quotes/:id":                {allowed: []string{clientRole}},
	"GET /a/:slug/portal/quotes/:id/pdf":            {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/choose":        {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/code":          {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/accept":        {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/decline":       {allowed: []string{clientRole}},
	"POST /a/:slug/portal/quotes/:id/questions":     {allowed: []string{clientRole}, form: func(f *matrixFixture) url.Values { return url.Values{"body": {"Why?"}} }},
	"GET /a/:slug/quotes/:id/signed":                {allowed: staffUp},
	"GET /a/:slug/portal/quotes/:id/signed":         {allowed: []string{clientRole}},
	"GET /a/:slug/quotes/:id/documents/:doc":        {allowed: staffUp},
	"GET /a/:slug/portal/quotes/:id/documents/:doc": {allowed: []string{clientRole}},
	"GET /a/:slug/verify":                           {allowed: everyone},
	"POST /a/:slug/verify":                          {allowed: everyone},
}
