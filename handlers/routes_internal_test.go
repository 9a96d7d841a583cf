package handlers

import (
	"reflect"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// crossAgencyRoutes are the only rows whose handler holds the pool of
// every agency's database: adding one is a decision to review here.
var crossAgencyRoutes = map[string]bool{
	"POST /signup":                              true, // creates an agency and its database
	"POST /login":                               true, // checks the password in each agency of the email
	"POST /login/choose":                        true,
	"POST /forgot":                              true, // a reset link in each agency of the email
	"GET /operator":                             true, // every agency's counts
	"GET /operator/agencies/:id":                true,
	"POST /operator/agencies/:id/lifecycle":     true, // archives, restores and deletes agencies' data
	"POST /operator/agencies/:id/plan":          true,
	"POST /operator/agencies/:id/recover":       true, // puts a degraded agency's database back from a backup
	"GET /operator/agencies/:id/archive.tar.gz": true,
	"POST /operator/agencies/:id/restore":       true,
	"GET /operator/jobs":                        true,
	"POST /operator/jobs/:name/run":             true,
}

// TestAgencyHandlersCannotReachAnotherAgency checks isolation in the
// types: an agency route's handler gets only a *Handlers, which holds no
// pool, and a *Request, which holds its own agency's database; only the
// rows listed above get a *Platform.
func TestAgencyHandlersCannotReachAnotherAgency(t *testing.T) {
	t.Parallel()
	pool := reflect.TypeFor[*tenant.Pool]()
	for _, typ := range []reflect.Type{reflect.TypeFor[Handlers](), reflect.TypeFor[Request]()} {
		if path := reaches(typ, pool, map[reflect.Type]bool{}); path != "" {
			t.Errorf("%s reaches the pool of agency databases through %s", typ, path)
		}
	}
	if f, ok := reflect.TypeFor[Request]().FieldByName("Tenant"); !ok || f.Type != reflect.TypeFor[*tenant.Store]() {
		t.Error("Request holds its agency's database as Tenant")
	}
	if n := countFields(reflect.TypeFor[Request](), reflect.TypeFor[*tenant.Store]()); n != 1 {
		t.Errorf("Request holds %d agency databases, want 1", n)
	}

	for _, r := range Routes {
		key := r.Method + " " + r.Path
		switch fn := r.Handler.(type) {
		case AgencyHandler:
			if !r.Access.agencyLevel() {
				t.Errorf("%s: an agency handler on a route of no agency (access %d)", key, r.Access)
			}
		case SiteHandler:
			if r.Access.agencyLevel() {
				t.Errorf("%s: an agency route whose handler does not take the request's agency", key)
			}
		case PlatformHandler:
			if r.Access.agencyLevel() || !crossAgencyRoutes[key] {
				t.Errorf("%s: holds the pool but is not one of the cross-agency routes", key)
			}
		default:
			t.Errorf("%s: handler of type %T", key, fn)
		}
		if _, platform := r.Handler.(PlatformHandler); crossAgencyRoutes[key] && !platform {
			t.Errorf("%s: listed as crossing agencies but its handler does not", key)
		}
	}
}

// reaches is the field path by which a value of type typ holds a value of
// type target, looking through this module's structs and pointers; "" if
// it does not.
func reaches(typ, target reflect.Type, seen map[reflect.Type]bool) string {
	if typ == target {
		return "itself"
	}
	if seen[typ] {
		return ""
	}
	seen[typ] = true
	switch typ.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return reaches(typ.Elem(), target, seen)
	case reflect.Map:
		if p := reaches(typ.Key(), target, seen); p != "" {
			return p
		}
		return reaches(typ.Elem(), target, seen)
	case reflect.Interface:
		if target.Implements(typ) && typ.NumMethod() > 0 {
			return "an interface " + typ.String() + " the pool satisfies"
		}
	case reflect.Struct:
		if !strings.HasPrefix(typ.PkgPath(), "mintedmind") {
			return ""
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Type == target {
				return f.Name
			}
			if p := reaches(f.Type, target, seen); p != "" {
				return f.Name + "." + p
			}
		}
	}
	return ""
}

func countFields(typ, target reflect.Type) int {
	n := 0
	for i := range typ.NumField() {
		if typ.Field(i).Type == target {
			n++
		}
	}
	return n
}
