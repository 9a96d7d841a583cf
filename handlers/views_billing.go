package handlers

import "reflect"

// billingViews are the billing area's templates and their view models.
var billingViews = map[string]reflect.Type{}
