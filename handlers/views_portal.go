package handlers

import "reflect"

// portalViews are the portal area's templates and their view models.
var portalViews = map[string]reflect.Type{}
