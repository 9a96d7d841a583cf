package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// clientCSVColumns are the columns of the client CSV file, the same for
// import and export, so an exported file can be imported again. Emails,
// phones and tags are separated by semicolons.
var clientCSVColumns = []string{"name", "kind", "company_code", "vat_number", "emails", "phones", "street", "city", "postal_code", "country", "notes", "tags", "responsible_email"}

// clientExportOnlyColumns follow them in an export; an import accepts and
// ignores them (a client's id and times are the database's to set).
var clientExportOnlyColumns = []string{"id", "created_at", "updated_at", "archived_at"}

// ClientsExport downloads the clients the viewer may see as CSV, narrowed
// by the list's filters when the link carries them.
func (h *Handlers) ClientsExport(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	f := clientFilterOf(c)
	if err := f.Validate(); err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	header := append(append([]string(nil), clientCSVColumns...), clientExportOnlyColumns...)
	name := "clients-" + r.Agency.Slug + "-" + h.caseToday(r) + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return r.Tenant.ExportClients(c.UserContext(), v, f, func(cl *tenant.Client) error {
			return write([]string{
				cl.Name, cl.Kind, cl.CompanyCode, cl.VATNumber, strings.Join(cl.Emails, "; "), strings.Join(cl.Phones, "; "),
				cl.Street, cl.City, cl.PostalCode, cl.Country, cl.Notes, strings.Join(cl.Tags, "; "), cl.ResponsibleEmail,
				cl.ID, stamp(cl.CreatedAt), stamp(cl.UpdatedAt), stamp(cl.ArchivedAt),
			})
		})
	})
}
