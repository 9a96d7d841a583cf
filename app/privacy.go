package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"time"

	"mintedmind/apperr"
	"mintedmind/archive"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// Privacy carries out people's rights over the data of one agency: exports,
// erasures and the agency's archive. An erasure spans the agency's
// database, its files and the control database's directory of who signs in
// where, so it is done here, not in a handler.
type Privacy struct {
	Control *control.Store
	Agency  *control.Agency
	Tenant  *tenant.Store
}

// EraseClient erases one client's personal data from the agency (see
// tenant.Store.EraseClient), then deletes the files of their documents and
// takes their portal contacts out of the directory of sign-ins.
func (p Privacy) EraseClient(ctx context.Context, v tenant.Viewer, clientID, confirmName string, a tenant.Audit) (*tenant.Erasure, error) {
	er, err := EraseClient(ctx, p.Tenant, v, clientID, confirmName, a)
	if err != nil {
		return nil, err
	}
	for _, email := range er.PortalEmails {
		if err := p.Control.RemoveFromDirectory(ctx, email, p.Agency.ID); err != nil {
			return er, err
		}
	}
	return er, nil
}

// EraseUser carries out a person's request to be deleted: their account is
// disabled and their name and email removed from the agency's data
// (tenant.Store.EraseUser), and from the directory of sign-ins.
func (p Privacy) EraseUser(ctx context.Context, userID string, a tenant.Audit) error {
	email, err := p.Tenant.EraseUser(ctx, userID, a)
	if err != nil {
		return err
	}
	return p.Control.RemoveFromDirectory(ctx, email, p.Agency.ID)
}

// ExportClient writes one client's complete record to w as a ZIP made at
// now: their data as JSON (documents and invoices join through
// db.RegisterDataPart) and the PDF of each of their invoices and credit
// notes under invoices/, as invoicePDF renders it (the same PDF the
// agency sends).
func (p Privacy) ExportClient(ctx context.Context, v tenant.Viewer, clientID string, w io.Writer, now time.Time, invoicePDF func(*tenant.Invoice) ([]byte, error)) error {
	zw := archive.NewExportWriter(w, now)
	if err := p.Tenant.ExportClient(ctx, v, clientID, zw); err != nil {
		return err
	}
	f := tenant.InvoiceFilter{ClientID: clientID, Limit: 200}
	for {
		rows, next, err := p.Tenant.Invoices(ctx, v, f)
		if err != nil {
			return err
		}
		for _, row := range rows {
			inv, err := p.Tenant.Invoice(ctx, v, row.ID)
			if err != nil {
				return err
			}
			pdf, err := invoicePDF(inv)
			if err != nil {
				return err
			}
			if err := zw.File("invoices/"+InvoiceFilename(inv), bytes.NewReader(pdf)); err != nil {
				return err
			}
		}
		if next == "" {
			break
		}
		f.Before = next
	}
	return zw.Close()
}

// ExportUser writes everything the agency holds about person userID to w
// as a ZIP of JSON made at now.
func (p Privacy) ExportUser(ctx context.Context, userID string, w io.Writer, now time.Time) error {
	zw := archive.NewExportWriter(w, now)
	if err := p.Tenant.ExportUser(ctx, userID, zw); err != nil {
		return err
	}
	return zw.Close()
}

// WriteArchive writes the whole agency to w: a consistent snapshot of its
// database and all its files, as one tar.gz.
func (p Privacy) WriteArchive(ctx context.Context, w io.Writer) error {
	return archive.Write(ctx, p.Tenant.DB, filepath.Join(p.Tenant.Dir, "files"), w)
}

// EraseClient erases one client's personal data from the agency (see
// tenant.Store.EraseClient), then deletes the files of their documents.
// Privacy.EraseClient also updates the directory of sign-ins; this is the
// part within the agency.
func EraseClient(ctx context.Context, t *tenant.Store, v tenant.Viewer, clientID, confirmName string, a tenant.Audit) (*tenant.Erasure, error) {
	er, err := t.EraseClient(ctx, v, clientID, confirmName, a)
	if err != nil {
		return nil, err
	}
	removeFiles(t.FilesDir(), er.Files)
	return er, nil
}

// RestoreAgency brings an archived agency back: its database and files
// are unpacked, its status is active again with its inactivity counted
// from now, and the agency's own audit log says so (audit).
func RestoreAgency(ctx context.Context, ctl *control.Store, pool *tenant.Pool, a *control.Agency, audit tenant.Audit) error {
	if a.Status != control.AgencyArchived {
		return apperr.New(apperr.Conflict, "%s is not archived.", a.Name)
	}
	if err := archive.Restore(pool, a.ID); err != nil {
		return err
	}
	if err := ctl.SetAgencyRestored(ctx, a.ID); err != nil {
		return err
	}
	t, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		return err
	}
	defer release()
	return t.RecordAudit(ctx, audit)
}

// removeFiles deletes files (relative to the agency's files directory)
// after the erasure committed; one that is already gone is fine.
func removeFiles(root string, files []string) {
	for _, f := range files {
		p := filepath.Join(root, filepath.Clean("/"+f))
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			// The row is gone; a leftover file is found by the next export
			// check. Nothing more to do here than not fail the erasure.
			continue
		}
	}
}
