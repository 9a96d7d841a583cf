package handlers

import "reflect"

// documentsViews are the documents area's templates and their view models.
// partials/documents/case and list are drawn inside the case page and the
// upload's answer, each with its own view model embedding caseDocumentsView.
var documentsViews = map[string]reflect.Type{
	"pages/documents/index":       reflect.TypeFor[*documentsStorageView](),
	"pages/documents/show":        reflect.TypeFor[*documentPageView](),
	"partials/documents/uploaded": reflect.TypeFor[*documentsUploadedView](),
}
