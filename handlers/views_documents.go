package handlers

import "reflect"

// documentsViews are the documents area's templates and their view models.
var documentsViews = map[string]reflect.Type{}
