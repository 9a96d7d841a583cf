package handlers

import "reflect"

// emailViews are the templates of email.go's pages.
var emailViews = map[string]reflect.Type{
	"pages/email/unsubscribe": reflect.TypeFor[*unsubscribeView](),
}
