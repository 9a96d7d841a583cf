package handlers_test

import "net/url"

// operatorMatrix says who may use each of routes_operator.go's routes.
// Every /operator route is the operator's alone: owners, staff, clients
// and strangers get the 404 of a page that does not exist.
var operatorMatrix = map[string]matrixRow{
	"GET /a/:slug/plan":                              {allowed: []string{owner}},
	"POST /a/:slug/plan":                             {allowed: []string{owner}},
	"POST /a/:slug/plan/cancel-change":               {allowed: []string{owner}},
	"GET /a/:slug/plan/invoices/:id/pdf":             {allowed: []string{owner}},
	"POST /a/:slug/plan/invoices/:id/pay":            {allowed: []string{owner}},
	"GET /subscriptions/paysera/callback":            {allowed: everyone},
	"POST /subscriptions/paysera/callback":           {allowed: everyone},
	"GET /operator/agencies/:id":                     {allowed: []string{operator}},
	"POST /operator/agencies/:id/lifecycle":          {allowed: []string{operator}, form: func(f *matrixFixture) url.Values { return url.Values{"action": {"suspend"}} }},
	"POST /operator/agencies/:id/plan":               {allowed: []string{operator}},
	"POST /operator/agencies/:id/recover":            {allowed: []string{operator}},
	"GET /operator/plans":                            {allowed: []string{operator}},
	"GET /operator/plans/new":                        {allowed: []string{operator}},
	"POST /operator/plans":                           {allowed: []string{operator}},
	"GET /operator/plans/:id":                        {allowed: []string{operator}},
	"POST /operator/plans/:id":                       {allowed: []string{operator}},
	"GET /operator/billing":                          {allowed: []string{operator}},
	"GET /operator/billing/settings":                 {allowed: []string{operator}},
	"POST /operator/billing/settings":                {allowed: []string{operator}},
	"GET /operator/billing/invoices/:id/pdf":         {allowed: []string{operator}},
	"POST /operator/billing/invoices/:id/payments":   {allowed: []string{operator}},
	"POST /operator/billing/overpayments/:id/settle": {allowed: []string{operator}},
	"GET /operator/jobs":                             {allowed: []string{operator}},
	"POST /operator/jobs/:name/run":                  {allowed: []string{operator}},
	"GET /operator/audit":                            {allowed: []string{operator}},
	"GET /operator/audit.csv":                        {allowed: []string{operator}},
}
