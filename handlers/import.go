package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// An uploaded file waits for confirmation in the agency's tmp directory
// under a name the server makes: import-<user id>-<unix time>.<random>.csv.
// The token the preview page posts back is "<unix time>.<random>"; with the
// user id it names the file, so only its uploader can confirm it. Files
// older than importTTL are removed whenever anyone previews or confirms an
// import in the agency (a jobs clean-up can take this over later); a
// confirmed file is removed at once.
const importTTL = time.Hour

var (
	importTokenPattern = regexp.MustCompile(`^([0-9]{9,12})\.[0-9a-f]{32}$`)
	importFilePattern  = regexp.MustCompile(`^import-.+-([0-9]{9,12})\.[0-9a-f]{32}\.csv(\.claimed)?$`)
)

// importPreviewLimit bounds the warnings and sample rows the preview lists;
// problems are all listed, since each one must be fixed.
const (
	importWarningLimit = 200
	importSampleRows   = 10
)

// importMax is the largest file this installation takes: 20 MiB, or less
// when the server's request body limit (BodyLimit, 25 MiB by default) is
// lower. The body limit is one setting for every route; an operator who
// wants 20 MiB imports raises it (-body-limit), rather than this route
// having its own server.
func (h *Handlers) importMax() int {
	return min(importMaxBytes, h.Config.BodyLimit)
}

// clientImportView is the import page: the upload form, or what importing
// an uploaded file would do, with the Confirm button when it can be done.
type clientImportView struct {
	Page
	FormErrors
	MaxSize    string
	MaxRows    string
	Columns    []string
	ColumnList string // Columns, comma-separated, for the help
	importPreview
}

// importPreview is what the preview shows about an uploaded file.
type importPreview struct {
	Preview      bool
	FileName     string
	Report       tenant.ImportReport
	Problems     []importProblem
	Warnings     []importProblem // the first importWarningLimit
	MoreWarnings int             // rows with warnings beyond those
	Samples      []importSample
	Ready        int    // rows without problems
	Token        string // names the kept file; empty when it cannot be imported
}

func (h *Handlers) importPage(c *fiber.Ctx, preview importPreview, err error) error {
	view := &clientImportView{Page: Page{Title: "clients.import_clients"}, MaxSize: importByteSize(h.importMax()), MaxRows: i18n.Number(langOf(c), 50000),
		Columns: clientCSVColumns, ColumnList: strings.Join(clientCSVColumns, ", "), importPreview: preview}
	return h.formPage(c, "pages/clients/import", "pages/clients/import", view, err)
}

// ClientsImportForm shows the upload form and the columns a file may have.
func (h *Handlers) ClientsImportForm(c *fiber.Ctx, r *Request) error {
	return h.importPage(c, importPreview{}, nil)
}

// importProblem is one row's list of problems or warnings.
type importProblem struct {
	Row      int
	Messages []string
}

// importSample is a row shown as it will be imported.
type importSample struct {
	Row                                   int
	Name, Kind, Emails, Tags, Responsible string
}

// ClientsImportPreview reads an uploaded CSV file and shows what importing
// it would do: counts, every row's problems by row number, warnings, and
// the first rows. Nothing is written to the database; a file without
// problems is kept for an hour and its token goes on the Confirm button.
func (h *Handlers) ClientsImportPreview(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	max := h.importMax()
	tooLarge := apperr.New(apperr.TooLarge, "The file is larger than %s, the most an import takes here. Split it and import the parts.", importByteSize(max))
	if n := c.Request().Header.ContentLength(); n > max+64<<10 {
		return h.importPage(c, importPreview{}, tooLarge)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return h.importPage(c, importPreview{}, invalidField("file", "Choose a CSV file to upload."))
	}
	if fh.Size > int64(max) {
		return h.importPage(c, importPreview{}, tooLarge)
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("import: open upload: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("import: read upload: %w", err)
	}
	if len(data) > max {
		return h.importPage(c, importPreview{}, tooLarge)
	}
	rows, err := parseClientCSV(data)
	if err != nil {
		return h.importPage(c, importPreview{}, err)
	}
	report, err := r.Tenant.CheckImport(c.UserContext(), v, rows)
	if err != nil {
		return err
	}
	dir := importDir(r)
	h.cleanImports(c, dir)
	preview := importPreviewData(rows, report)
	preview.FileName = filepath.Base(fh.Filename)
	if report.BadRows > 0 {
		verb := "have"
		if report.BadRows == 1 {
			verb = "has"
		}
		return h.importPage(c, preview, apperr.New(apperr.Invalid,
			"%d of %s %s problems, listed below by row number. Fix them in the file and upload it again: nothing was imported.",
			report.BadRows, importRowCount(report.Rows), verb))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("import: make tmp dir: %w", err)
	}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return fmt.Errorf("import: token: %w", err)
	}
	token := strconv.FormatInt(h.Clock.Now().Unix(), 10) + "." + hex.EncodeToString(random)
	if err := os.WriteFile(importPath(r, dir, token), data, 0o600); err != nil {
		return fmt.Errorf("import: keep upload: %w", err)
	}
	preview.Token = token
	return h.importPage(c, preview, nil)
}

// importPreviewData lists what the preview page shows about the rows.
func importPreviewData(rows []tenant.ImportRow, report tenant.ImportReport) importPreview {
	var problems, warnings []importProblem
	var samples []importSample
	moreWarnings := 0
	for _, r := range rows {
		if len(r.Problems) > 0 {
			problems = append(problems, importProblem{Row: r.Row, Messages: r.Problems})
		}
		if len(r.Warnings) > 0 {
			if len(warnings) < importWarningLimit {
				warnings = append(warnings, importProblem{Row: r.Row, Messages: r.Warnings})
			} else {
				moreWarnings++
			}
		}
		if len(samples) < importSampleRows && len(r.Problems) == 0 {
			samples = append(samples, importSample{Row: r.Row, Name: r.Input.Name, Kind: r.Input.Kind,
				Emails: strings.Join(r.Input.Emails, ", "), Tags: strings.Join(r.Input.Tags, ", "), Responsible: r.ResponsibleEmail})
		}
	}
	return importPreview{Preview: true, Report: report, Problems: problems, Warnings: warnings, MoreWarnings: moreWarnings, Samples: samples,
		Ready: report.Rows - report.BadRows}
}

// ClientsImportConfirm imports a previewed file, in one transaction: every
// row or none. The file is claimed first (renamed), so a second click
// cannot import it twice, and removed afterwards whatever happened.
func (h *Handlers) ClientsImportConfirm(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	expired := apperr.New(apperr.NotFound, "This import has expired or was already done. Upload the file again to see its preview.")
	token := formValue(c, "token")
	m := importTokenPattern.FindStringSubmatch(token)
	if m == nil {
		return h.importPage(c, importPreview{}, expired)
	}
	dir := importDir(r)
	h.cleanImports(c, dir)
	if at, _ := strconv.ParseInt(m[1], 10, 64); h.Clock.Now().Sub(time.Unix(at, 0)) > importTTL {
		return h.importPage(c, importPreview{}, expired)
	}
	path := importPath(r, dir, token)
	claimed := path + ".claimed"
	if err := os.Rename(path, claimed); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return h.importPage(c, importPreview{}, expired)
		}
		return fmt.Errorf("import: claim upload: %w", err)
	}
	defer os.Remove(claimed)
	data, err := os.ReadFile(claimed)
	if err != nil {
		return fmt.Errorf("import: read upload: %w", err)
	}
	rows, err := parseClientCSV(data)
	if err != nil {
		return h.importPage(c, importPreview{}, err)
	}
	limits, err := h.plans.Limits(c.UserContext(), r.Agency) // the plan's number of clients, counted as the rows are stored
	if err != nil {
		return err
	}
	n, err := r.Tenant.ImportClientsWithin(c.UserContext(), v, rows, limits, auditFor(c, "client.imported", ""))
	if err != nil {
		return h.importPage(c, importPreview{}, err)
	}
	h.flash(c, fmt.Sprintf("Imported %s.", clientCount(n)))
	return h.redirect(c, clientsPath(r)+"?sort="+tenant.ClientSortNewest)
}

// importDir is where the agency's uploads wait for confirmation.
func importDir(r *Request) string { return filepath.Join(r.Tenant.Dir, "tmp") }

// importPath names the upload of token by the signed-in person.
func importPath(r *Request, dir, token string) string {
	return filepath.Join(dir, "import-"+r.User.ID+"-"+token+".csv")
}

// cleanImports removes uploads older than importTTL; a failure is only logged.
func (h *Handlers) cleanImports(c *fiber.Ctx, dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			h.logger(c).Warn("import: read tmp dir", "err", err)
		}
		return
	}
	now := h.Clock.Now()
	for _, e := range entries {
		m := importFilePattern.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if at, _ := strconv.ParseInt(m[1], 10, 64); now.Sub(time.Unix(at, 0)) > importTTL {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				h.logger(c).Warn("import: remove old upload", "err", err, "file", e.Name())
			}
		}
	}
}

// rowCount says "1 row" or "n rows".
func importRowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}
