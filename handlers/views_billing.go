package handlers

import "reflect"

// billingViews are the billing area's templates and their view models.
var billingViews = map[string]reflect.Type{
	"pages/invoices/index":       reflect.TypeFor[*invoicesIndexView](),
	"partials/invoices/rows":     reflect.TypeFor[*invoicesIndexView](),
	"pages/invoices/new":         reflect.TypeFor[*invoiceFormView](),
	"pages/invoices/edit":        reflect.TypeFor[*invoiceFormView](),
	"pages/recurring/new":        reflect.TypeFor[*invoiceFormView](),
	"partials/invoices/form":     reflect.TypeFor[*invoiceFormView](),
	"partials/invoices/cases":    reflect.TypeFor[*invoiceFormView](),
	"partials/invoices/line":     reflect.TypeFor[*invoiceLineRow](),
	"partials/invoices/totals":   reflect.TypeFor[*invoiceTotalsView](),
	"pages/invoices/show":        reflect.TypeFor[*invoiceShowView](),
	"pages/invoices/reports":     reflect.TypeFor[*invoiceReportsView](),
	"pages/invoices/settings":    reflect.TypeFor[*invoiceSettingsView](),
	"partials/invoices/settings": reflect.TypeFor[*invoiceSettingsView](),
	"pages/invoices/paid":        reflect.TypeFor[*payseraReturnView](),
	"pages/recurring/index":      reflect.TypeFor[*recurringIndexView](),
	"pages/recurring/show":       reflect.TypeFor[*recurringShowView](),
	"partials/invoices/client":   reflect.TypeFor[clientInvoicesView](), // within the client page's view model
}
