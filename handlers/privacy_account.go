package handlers

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
)

// myDataView is a person's own data page, with the form correcting their
// name.
type myDataView struct {
	Page
	FormErrors
	Name                string
	DeletionRequestedAt time.Time // zero: no pending request
}

// MyData shows a person what they can do with their own data: correct
// their name, download everything about them, ask for deletion.
func (h *Handlers) MyData(c *fiber.Ctx, r *Request) error {
	return h.myDataPage(c, r, nil, "")
}

func (h *Handlers) myDataPage(c *fiber.Ctx, r *Request, err error, name string) error {
	requested, qerr := r.Tenant.DeletionRequestedAt(c.UserContext(), r.User.ID)
	if qerr != nil {
		return qerr
	}
	if name == "" {
		name = r.User.Name
	}
	return h.formPage(c, "pages/privacy/account", "pages/privacy/account", &myDataView{
		Page: Page{Title: "mydata.title"}, Name: name, DeletionRequestedAt: requested,
	}, err)
}

// CorrectProfile lets a person correct the name on their account.
func (h *Handlers) CorrectProfile(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	name := formValue(c, "name")
	if msg := control.ValidateName(name, 100); msg != "" {
		return h.myDataPage(c, r, invalidField("name", msg), name)
	}
	if err := r.Tenant.CorrectName(c.UserContext(), me.ID, name, auditFor(c, "privacy.profile_corrected", me.ID)); err != nil {
		return err
	}
	h.flash(c, "mydata.name_saved")
	return h.redirect(c, "/a/"+a.Slug+"/account/data")
}

// MyDataDownload sends a ZIP of everything the agency holds about the
// signed-in person, as JSON (and their documents, once documents register
// their part).
func (h *Handlers) MyDataDownload(c *fiber.Ctx, r *Request) error {
	t, me := r.Tenant, r.User
	if err := t.RecordAudit(c.UserContext(), auditFor(c, "privacy.data_downloaded", me.ID)); err != nil {
		return err
	}
	name := fmt.Sprintf("my-data-%s-%s.zip", r.Agency.Slug, control.Day(h.Clock.Now()))
	return h.sendTempFile(c, name, "application/zip", func(w io.Writer) error {
		return h.privacy(r).ExportUser(c.UserContext(), me.ID, w, h.Clock.Now())
	})
}

// RequestDeletion records a person's request that their data be deleted;
// the agency's owners and admins see it on their privacy page and carry it
// out or decline it.
func (h *Handlers) RequestDeletion(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	if err := r.Tenant.RequestDeletion(c.UserContext(), me.ID, auditFor(c, "privacy.deletion_requested", me.ID)); err != nil {
		return err
	}
	h.flash(c, "mydata.deletion_recorded")
	return h.redirect(c, "/a/"+a.Slug+"/account/data")
}

// sendTempFile writes a download to a temporary file with write, then
// streams it. The file is unlinked at once, so it disappears when the
// response is sent (or fails); the agency's database is not needed while
// the bytes go out.
func (h *Handlers) sendTempFile(c *fiber.Ctx, filename, contentType string, write func(w io.Writer) error) error {
	f, err := os.CreateTemp("", "mintedmind-download-*")
	if err != nil {
		return fmt.Errorf("handlers: download %s: %w", filename, err)
	}
	os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("handlers: download %s: %w", filename, err)
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+strings.NewReplacer(`"`, "", "\\", "", "\r", "", "\n", "").Replace(filename)+`"`)
	return c.SendStream(f, int(size))
}
