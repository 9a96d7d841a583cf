package handlers

import "reflect"

// requestViews are issue 16's requests, inbox and conversation templates
// and their view models.
var requestViews = map[string]reflect.Type{
	"pages/inbox/index":           reflect.TypeFor[*inboxView](),
	"partials/inbox/lists":        reflect.TypeFor[*inboxView](),
	"partials/inbox/count":        reflect.TypeFor[*inboxCountView](),
	"partials/messages/thread":    reflect.TypeFor[*threadFragmentView](),
	"partials/messages/reply":     reflect.TypeFor[*caseShowView](),
	"partials/messages/mail-auth": reflect.TypeFor[mailAuthView](),
	"partials/requests/details":   reflect.TypeFor[*caseShowView](),
	"pages/portal/requests/index": reflect.TypeFor[*portalRequestsView](),
	"pages/portal/requests/new":   reflect.TypeFor[*requestFormView](),
	"pages/portal/message-edit":   reflect.TypeFor[*messageEditView](),
	"pages/settings/requests":     reflect.TypeFor[*requestTypesView](),
}
