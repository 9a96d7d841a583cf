package handlers

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/i18n"
)

// formValue returns a trimmed form field. Passwords are read with
// c.FormValue directly: they are kept exactly as typed.
func formValue(c *fiber.Ctx, name string) string {
	return strings.TrimSpace(c.FormValue(name))
}

// FormErrors is what a form shows after invalid input: a message above it
// and one beside each field. Every view model with a form embeds it.
type FormErrors struct {
	Error  string
	Errors map[string]string // by field name
}

func (f *FormErrors) formErrors() *FormErrors { return f }

// formViewModel is the view model of a page or partial with a form.
type formViewModel interface {
	viewModel
	formErrors() *FormErrors
}

// formPage renders a page with a form, again after invalid input err with
// the messages beside their fields and the status the error carries. For a
// plain htmx request only the form partial is sent.
func (h *Handlers) formPage(c *fiber.Ctx, pageName, partialName string, v formViewModel, err error) error {
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		f := v.formErrors()
		lang := langOf(c) // messages are their own ids: a message without a translation stays as it is
		f.Errors = apperr.FieldsOf(err)
		for k, msg := range f.Errors {
			f.Errors[k] = i18n.T(lang, msg)
		}
		f.Error = i18n.T(lang, apperr.MessageOf(err))
		setRetryAfter(c, err)
		c.Status(statusOf[code])
	}
	return h.pageOrFragment(c, pageName, partialName, v)
}

// FormField is one labelled input with its inline error, for
// views/partials/forms/field.html. Templates build it with
// {{field "Name" "email" "Label" "Email" "Errors" .Errors ...}}: the field
// names are checked against this struct by TestViewModels.
type FormField struct {
	Name      string
	Label     string
	Type      string // "text" when empty
	Value     any
	Errors    map[string]string // the form's messages by field name
	Auto      string            // autocomplete
	Help      string
	InputMode string
	Required  bool
	Max       int // maxlength
}

// Error is the message about this field, if any.
func (f FormField) Error() string { return f.Errors[f.Name] }

// newFormField is the template function field: FormField from field-value pairs.
func newFormField(pairs ...any) (FormField, error) {
	var f FormField
	return f, setFromPairs("field", &f, pairs)
}

// DropZone is a file input in a drop zone with its upload queue, for
// views/partials/forms/drop-zone.html, inside a form marked
// data-upload-progress: assets/js/app.js adds the files dropped on it to
// the input and shows a line with a progress bar per file as the form's one
// post goes up; without script it is a plain file input. Templates build
// it with {{dropZone "ID" "file" "Label" … "Help" …}}, checked against
// this struct by TestViewModels.
type DropZone struct {
	ID       string // the input is f-ID and its message e-ID; "" for no id
	Label    string
	Help     string
	Error    string
	Required bool
}

// newDropZone is the template function dropZone: DropZone from field-value pairs.
func newDropZone(pairs ...any) (DropZone, error) {
	var z DropZone
	return z, setFromPairs("dropZone", &z, pairs)
}

// setFromPairs sets the fields of the struct dst points to from
// name-value pairs, for the template function fn.
func setFromPairs(fn string, dst any, pairs []any) error {
	if len(pairs)%2 != 0 {
		return fmt.Errorf("%s: odd number of arguments", fn)
	}
	v := reflect.ValueOf(dst).Elem()
	for i := 0; i < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		field := v.FieldByName(name)
		if !field.IsValid() {
			return fmt.Errorf("%s: %s has no field %v", fn, v.Type().Name(), pairs[i])
		}
		val := reflect.ValueOf(pairs[i+1])
		switch {
		case !val.IsValid():
			continue // nil: the zero value
		case val.Type().AssignableTo(field.Type()):
			field.Set(val)
		case val.Type().ConvertibleTo(field.Type()) && val.Kind() == field.Kind():
			field.Set(val.Convert(field.Type()))
		default:
			return fmt.Errorf("%s: %s takes a %s, not %T", fn, name, field.Type(), pairs[i+1])
		}
	}
	return nil
}

// option is one choice of a select, for views/partials/forms/options.html.
type option struct {
	Value    string
	Label    string
	Selected bool
}

// invalidField is an invalid-input error about one field.
func invalidField(field, message string) error {
	return apperr.FieldErrors(map[string]string{field: message})
}

// translatedFields is err's messages by field, each in lang (messages are
// their own catalogue ids), for a form that keeps its errors itself.
func translatedFields(lang string, err error) map[string]string {
	f := map[string]string{}
	for k, msg := range apperr.FieldsOf(err) {
		f[k] = i18n.T(lang, msg)
	}
	return f
}
