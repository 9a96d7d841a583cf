package handlers

import "reflect"

// operatorViews are the operator console and the agency plan pages's templates and their view models.
var operatorViews = map[string]reflect.Type{}
