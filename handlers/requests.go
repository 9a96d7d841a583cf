package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
)

// RequestLimit is how many requests one contact may open from the portal
// in its window; past it they wait (a contact's mistake or a script cannot
// flood the agency's inbox).
var RequestLimit = Limit{Max: 5, Window: time.Hour}

// requestDetails is what a request adds to its case page: the type and
// the answers to its extra fields, for views/partials/requests/details.html.
type requestDetails struct {
	TypeName string
	Answers  []requestAnswerView
}

// requestAnswerView is one answer; a file's links to its document.
type requestAnswerView struct {
	Label, Value, URL string
}

// requestDetails loads the request details of case caseID for the signed-in
// person's side, or nil for a case the agency opened.
func (h *Handlers) requestDetails(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (*requestDetails, error) {
	d, err := r.Tenant.CaseRequestDetails(c.UserContext(), v, caseID)
	if err != nil || d == nil {
		return nil, err
	}
	docBase := portalBase(r) + "/cases/" + caseID + "/documents/"
	if r.User.IsStaff() {
		docBase = documentURL(r.Agency.Slug, caseID, "")
	}
	out := &requestDetails{TypeName: d.TypeName}
	for _, a := range d.Answers {
		av := requestAnswerView{Label: a.Label, Value: a.Value}
		if a.DocumentID != "" {
			av.URL = docBase + a.DocumentID
		}
		if av.Value == "" {
			av.Value = "—"
		}
		out.Answers = append(out.Answers, av)
	}
	return out, nil
}

// portalRequestsView is the portal's list of the client's requests.
type portalRequestsView struct {
	Page
	Base     string
	NewURL   string
	Requests []tenant.PortalCase
}

// PortalRequests lists the requests the client's contacts opened.
func (h *Handlers) PortalRequests(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	list, err := r.Tenant.PortalRequests(c.UserContext(), v)
	if err != nil {
		return err
	}
	return h.page(c, "pages/portal/requests/index", &portalRequestsView{Page: Page{Title: "Requests"}, Base: portalBase(r),
		NewURL: portalBase(r) + "/requests/new", Requests: list})
}

// requestFormView is the portal's "New request" form.
type requestFormView struct {
	Page
	FormErrors
	Base     string
	Action   string
	NewURL   string
	Types    []option
	TypeID   string
	TypeName string
	Fields   []requestFieldView
	Subject  string
	Body     string
	MaxSize  string
	MaxBytes int64 // a file's limit, for the page's script to refuse a larger one before it is sent
	MaxFiles int
}

// requestFieldView is one extra field of the chosen request type.
type requestFieldView struct {
	Name     string // the form field: f_<id>
	Label    string
	Kind     string
	Required bool
	Value    string
	Choices  []option
}

// newRequestForm builds the form for request type typeID ("" for none)
// with the values as typed.
func (h *Handlers) newRequestForm(c *fiber.Ctx, r *Request, typeID string) (*requestFormView, *tenant.RequestType, error) {
	types, err := r.Tenant.RequestTypes(c.UserContext(), false)
	if err != nil {
		return nil, nil, err
	}
	view := &requestFormView{Page: Page{Title: "New request"}, Base: portalBase(r), Action: portalBase(r) + "/requests", NewURL: portalBase(r) + "/requests/new",
		MaxSize: i18n.ByteSize(r.Lang(), h.files.MaxSize()), MaxBytes: h.files.MaxSize(), MaxFiles: app.MaxUploadFiles, Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	var chosen *tenant.RequestType
	for _, rt := range types {
		sel := rt.ID == typeID
		if sel {
			chosen = rt
		}
		view.Types = append(view.Types, option{Value: rt.ID, Label: rt.Name, Selected: sel})
	}
	if chosen != nil {
		view.TypeID, view.TypeName = chosen.ID, chosen.Name
		for _, f := range chosen.Fields {
			fv := requestFieldView{Name: "f_" + f.ID, Label: f.Label, Kind: f.Kind, Required: f.Required, Value: c.FormValue("f_" + f.ID)}
			for _, o := range f.Choices {
				fv.Choices = append(fv.Choices, option{Value: o, Label: o, Selected: o == fv.Value})
			}
			view.Fields = append(view.Fields, fv)
		}
	}
	return view, chosen, nil
}

// PortalRequestNew shows the "New request" form; ?type= picks the kind of
// request, whose extra fields the form then asks for.
func (h *Handlers) PortalRequestNew(c *fiber.Ctx, r *Request) error {
	view, _, err := h.newRequestForm(c, r, c.Query("type"))
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/portal/requests/new", "pages/portal/requests/new", view, nil)
}

// PortalRequestCreate opens the contact's request: a case of origin
// "client" with the answers, the message as the first of its conversation
// and the files (all or nothing: a refused file leaves no request). It
// lands in the staff inbox and is emailed to the type's default assignee,
// failing that to the owners.
func (h *Handlers) PortalRequestCreate(c *fiber.Ctx, r *Request) error {
	ctx, t := c.UserContext(), r.Tenant
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	typeID := c.FormValue("type")
	view, rt, err := h.newRequestForm(c, r, typeID)
	if err != nil {
		return err
	}
	again := func(err error) error {
		return h.formPage(c, "pages/portal/requests/new", "pages/portal/requests/new", view, err)
	}
	recent, err := t.RequestsSince(ctx, r.User.ID, h.Clock.Now().Add(-RequestLimit.Window))
	if err != nil {
		return err
	}
	if recent >= RequestLimit.Max {
		e := apperr.New(apperr.TooMany, "You have sent %d requests in the last hour, the most the portal takes. Please wait a little, or add to one of your open requests.", recent)
		e.RetryAfter = RequestLimit.Window
		return again(e)
	}
	in := tenant.RequestInput{TypeID: typeID, Subject: c.FormValue("subject"), Message: c.FormValue("body"), Values: map[string]string{}, Files: map[string]bool{}}
	fields := []string{uploadFileField}
	if rt != nil {
		form, _ := c.MultipartForm()
		for _, f := range rt.Fields {
			in.Values[f.ID] = c.FormValue("f_" + f.ID)
			if f.Kind == tenant.RequestFieldFile {
				fields = append(fields, "f_"+f.ID)
				if form != nil {
					for _, fh := range form.File["f_"+f.ID] {
						in.Files[f.ID] = in.Files[f.ID] || fh.Size > 0
					}
				}
			}
		}
	}
	rt, answers, err := t.PrepareRequest(ctx, in)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return again(err)
	}
	// The case, its first message and all its files in one transaction: a
	// refused file leaves no request, no message and no file on disk.
	var req *tenant.OpenedRequest
	names, parts := formFiles(c, fields)
	if len(names) == 0 {
		if req, err = t.OpenRequest(ctx, v, caseActor(r), in, rt, answers); err != nil {
			return err
		}
	} else {
		d := &tenant.RequestDraft{Viewer: v, Input: in, Type: rt, Answers: answers, Fields: names}
		read := 0 // files handed to the store so far: the last is the one refused
		counted := func(yield func(app.UploadFile, error) bool) {
			for f, err := range parts {
				if err == nil {
					read++
				}
				if !yield(f, err) {
					return
				}
			}
		}
		if _, err := h.uploads.Store(ctx, app.Upload{Agency: r.Agency, Tenant: t, Access: tenant.ClientDocumentAccess(v.ClientID), Actor: caseActor(r),
			Shared: true, Count: len(names), Request: d}, counted); err != nil {
			if code := apperr.CodeOf(err); code == apperr.Internal || code == apperr.Unavailable || code == apperr.Forbidden {
				return err
			}
			return again(besideFile(err, names, read))
		}
		req = d.Opened
	}
	h.publish(c, r, req.CaseID, live.KindRequest, true, true)
	h.logFailed(c, "email the new request", h.notifyRequest(c, r, req, rt, in))
	h.flash(c, "Request sent: "+tenant.CaseNumber(req.Number)+". The agency will answer here.")
	return h.redirect(c, portalBase(r)+"/cases/"+req.CaseID)
}

// notifyRequest emails a new request to the type's default assignee, or
// when it went to nobody, to the agency's owners.
func (h *Handlers) notifyRequest(c *fiber.Ctx, r *Request, req *tenant.OpenedRequest, rt *tenant.RequestType, in tenant.RequestInput) error {
	staff, err := r.Tenant.ActiveStaff(c.UserContext())
	if err != nil {
		return err
	}
	var to []*tenant.User
	for _, u := range staff {
		if (req.Assignee != "" && u.ID == req.Assignee) || (req.Assignee == "" && u.Role == tenant.RoleOwner) {
			to = append(to, u)
		}
	}
	kind := ""
	if rt != nil {
		kind = rt.Name
	}
	return h.mailPeople(c, r, req.CaseID, to, tenant.EmailClientActivity, "client-request", fiber.Map{
		"Case": tenant.CaseNumber(req.Number) + " " + in.Subject, "Kind": kind, "Text": in.Message,
		"Link": h.Config.BaseURL + caseBase(r) + "/" + req.CaseID,
	})
}

// besideFile puts a refused upload's message beside the file input it came
// from (the read-th file of names, the form field of each file), keeping
// its code (and so its status) and the page's message.
func besideFile(err error, names []string, read int) error {
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) > 0 || len(names) == 0 {
		return err
	}
	field := names[len(names)-1]
	if read > 0 && read <= len(names) {
		field = names[read-1]
	}
	return &apperr.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{field: e.Message}, RetryAfter: e.RetryAfter}
}
