package handlers

import "reflect"

// clientViews are the clients area's templates and their view models.
var clientViews = map[string]reflect.Type{}
