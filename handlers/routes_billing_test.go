package handlers_test

// billingMatrix says who may use each of routes_billing.go's routes.
var billingMatrix = map[string]matrixRow{
	"GET /a/:slug/invoices":                               {allowed: staffUp},
	"GET /a/:slug/invoices/new":                           {allowed: staffUp},
	"GET /a/:slug/invoices/line":                          {allowed: staffUp},
	"GET /a/:slug/invoices/cases":                         {allowed: staffUp},
	"GET /a/:slug/invoices/reports":                       {allowed: staffUp},
	"GET /a/:slug/invoices/export.csv":                    {allowed: staffUp},
	"GET /a/:slug/payments/export.csv":                    {allowed: staffUp},
	"POST /a/:slug/invoices":                              {allowed: staffUp},
	"POST /a/:slug/invoices/totals":                       {allowed: staffUp},
	"GET /a/:slug/invoices/:id":                           {allowed: staffUp},
	"GET /a/:slug/invoices/:id/edit":                      {allowed: staffUp},
	"GET /a/:slug/invoices/:id/pdf":                       {allowed: staffUp},
	"POST /a/:slug/invoices/:id":                          {allowed: staffUp},
	"POST /a/:slug/invoices/:id/delete":                   {allowed: staffUp},
	"POST /a/:slug/invoices/:id/issue":                    {allowed: staffUp},
	"POST /a/:slug/invoices/:id/void":                     {allowed: staffUp},
	"POST /a/:slug/invoices/:id/credit":                   {allowed: staffUp},
	"POST /a/:slug/invoices/:id/send":                     {allowed: staffUp},
	"POST /a/:slug/invoices/:id/payments":                 {allowed: staffUp},
	"POST /a/:slug/invoices/:id/pay":                      {allowed: staffUp},
	"POST /a/:slug/invoices/:id/overpayments/:oid/settle": {allowed: adminUp},
	"GET /a/:slug/recurring":                              {allowed: staffUp},
	"GET /a/:slug/recurring/new":                          {allowed: staffUp},
	"POST /a/:slug/recurring":                             {allowed: staffUp},
	"GET /a/:slug/recurring/:id":                          {allowed: staffUp},
	"GET /a/:slug/recurring/:id/edit":                     {allowed: staffUp},
	"POST /a/:slug/recurring/:id/edit":                    {allowed: staffUp},
	"POST /a/:slug/recurring/:id/:action":                 {allowed: staffUp},
	"GET /a/:slug/settings/billing":                       {allowed: adminUp},
	"POST /a/:slug/settings/billing":                      {allowed: adminUp},
	"POST /a/:slug/settings/billing/paysera-check":        {allowed: adminUp},
	"GET /a/:slug/payments/paysera/accept":                {allowed: everyone},
	"GET /a/:slug/payments/paysera/cancel":                {allowed: everyone},
	"GET /pay/:slug/paysera/callback":                     {allowed: everyone},
	"POST /pay/:slug/paysera/callback":                    {allowed: everyone},
}

var (
	staffUp = []string{staff, admin, owner}
	adminUp = []string{admin, owner}
)
