package handlers

import "reflect"

// quoteViews are the quote templates (issue 18) and their view models.
var quoteViews = map[string]reflect.Type{
	"pages/quotes/index":     reflect.TypeFor[*quotesIndexView](),
	"pages/quotes/new":       reflect.TypeFor[*quoteFormView](),
	"pages/quotes/edit":      reflect.TypeFor[*quoteFormView](),
	"partials/quotes/line":   reflect.TypeFor[*quoteLineRow](),
	"pages/quotes/show":      reflect.TypeFor[*quoteShowView](),
	"pages/portal/quotes":    reflect.TypeFor[*portalQuotesView](),
	"pages/portal/quote":     reflect.TypeFor[*portalQuoteView](),
	"partials/quotes/choice": reflect.TypeFor[*quoteChoiceView](),
	"pages/verify/index":     reflect.TypeFor[*verifyView](),
}
