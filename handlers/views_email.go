package handlers

import "reflect"

// emailViews are the templates of email.go's and email_texts.go's pages.
var emailViews = map[string]reflect.Type{
	"pages/email/unsubscribe": reflect.TypeFor[*unsubscribeView](),
	"pages/settings/emails":   reflect.TypeFor[*emailTextsView](),
	"pages/settings/email":    reflect.TypeFor[*emailTextView](),
	"pages/settings/outbox":   reflect.TypeFor[*agencyOutboxView](),
}
