package handlers

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/backup"
	"mintedmind/db/control"
	"mintedmind/files"
)

// The console's view of storage health: free space and read-only volumes on
// its front page, degraded agencies there and on their own page with the
// way back (README "When storage fails").

// consoleStorage is the front page's storage panel.
type consoleStorage struct {
	Watched    bool // a monitor runs (false in a console without one)
	CheckedAt  time.Time
	Volumes    []consoleVolume
	Low        bool
	Unwritable bool
	Missing    []string // agency ids whose database file vanished
	Degraded   []degradedRow
}

type consoleVolume struct {
	Name, Path, Free, Size, Reserve, Err string
	Low, ReadOnly                        bool
}

// degradedRow is one degraded agency in the console's list.
type degradedRow struct {
	AgencyID, Name, Reason, Error string
	Since                         time.Time
}

func (p *Platform) consoleStorage() consoleStorage {
	if p.health == nil {
		return consoleStorage{}
	}
	s := p.monitor.Status()
	out := consoleStorage{Watched: true, CheckedAt: s.CheckedAt, Low: s.Low, Unwritable: s.Unwritable, Missing: s.Missing}
	for _, v := range s.Volumes {
		out.Volumes = append(out.Volumes, consoleVolume{Name: v.Name, Path: v.Path, Free: files.ByteSize(int64(v.Free)), Size: files.ByteSize(int64(v.Size)),
			Reserve: files.ByteSize(int64(v.Reserve)), Err: v.Err, Low: v.Size > 0 && v.Free < v.Reserve, ReadOnly: v.ReadOnly})
	}
	for _, h := range p.monitor.DegradedAgencies() {
		out.Degraded = append(out.Degraded, degradedRow{AgencyID: h.AgencyID, Name: h.Name, Reason: degradedReasonLabel(h.Reason), Error: h.Error, Since: h.DegradedAt})
	}
	return out
}

func degradedReasonLabel(reason string) string {
	if reason == control.DegradedMigration {
		return "a migration failed"
	}
	return "database damaged"
}

// agencyHealthView is the agency page's health section: degraded or not,
// the last integrity check, and the ways to restore it.
type agencyHealthView struct {
	Degraded    bool
	Reason      string
	Error       string
	Since       time.Time
	CheckedAt   time.Time
	CheckResult string
	CheckTime   string
	BackupDir   string    // -backup-dir; empty: not set
	Backup      string    // the newest backup holding the agency
	BackupAt    time.Time // when it was taken
	BackupErr   string    // why there is none
	Litestream  string    // the command that restores the agency from its replica
	TenantDB    string    // where its database lives
}

func (p *Platform) agencyHealth(ctx context.Context, a *control.Agency) agencyHealthView {
	var v agencyHealthView
	if rec, err := p.Control.AgencyHealthOf(ctx, a.ID); err == nil {
		v.CheckedAt, v.CheckResult = rec.CheckedAt, rec.CheckResult
		if rec.CheckTime > 0 {
			v.CheckTime = rec.CheckTime.String()
		}
	}
	h, degraded := p.monitor.Degraded(a.ID)
	if !degraded {
		return v
	}
	v.Degraded, v.Reason, v.Error, v.Since = true, degradedReasonLabel(h.Reason), h.Error, h.DegradedAt
	v.TenantDB = filepath.Join(p.pool.TenantDir(a.ID), "tenant.db")
	v.Litestream = fmt.Sprintf("litestream restore -config /etc/mintedmind/litestream.yml -o %s.restored %s && mv %s.restored %s", v.TenantDB, v.TenantDB, v.TenantDB, v.TenantDB)
	v.BackupDir = p.backups
	if p.backups != "" {
		if f, err := backup.LatestWithAgency(p.backups, a.ID); err != nil {
			v.BackupErr = err.Error()
		} else {
			v.Backup, v.BackupAt = f.Dir, f.CreatedAt
		}
	}
	return v
}

// OperatorAgencyRecover puts a degraded agency back in service, confirmed
// by typing its address: "backup" replaces its database and files with
// the newest backup holding it (the damaged directory is kept beside it);
// "recheck" opens it again as it is on disk (after a restore by hand from
// the Litestream replica), migrating it and running quick_check.
func (p *Platform) OperatorAgencyRecover(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	if formValue(c, "confirm_restore") != a.Slug {
		return p.operatorAgencyPage(c, invalidField("confirm_restore", "Type the agency's address, "+a.Slug+", to confirm."))
	}
	detail := ""
	switch formValue(c, "action") {
	case "backup":
		if p.backups == "" {
			return p.operatorAgencyPage(c, apperr.New(apperr.Conflict, "No backup directory is set (-backup-dir): restore by hand, then check again."))
		}
		f, err := backup.LatestWithAgency(p.backups, a.ID)
		if err != nil {
			return p.operatorAgencyPage(c, apperr.New(apperr.Conflict, "%s", err.Error()))
		}
		var kept string
		err = p.monitor.Recover(ctx, a.ID, func(ctx context.Context) error {
			var err error
			kept, err = backup.ReplaceAgency(ctx, f.Dir, a.ID, p.pool.TenantDir(a.ID), p.Clock.Now())
			return err
		})
		if err != nil {
			return p.operatorAgencyPage(c, apperr.New(apperr.Conflict, "The restore did not work: %v", err))
		}
		detail = "from the backup of " + f.CreatedAt.UTC().Format("2006-01-02 15:04 UTC") + " (" + f.Dir + ")"
		if kept != "" {
			detail += "; the damaged copy is kept in " + kept
		}
	case "recheck":
		if err := p.monitor.Recover(ctx, a.ID, nil); err != nil {
			return p.operatorAgencyPage(c, apperr.New(apperr.Conflict, "The agency's database still cannot be used: %v", err))
		}
		detail = "checked again as it is on disk"
	default:
		return p.operatorAgencyPage(c, invalidField("action", "Choose how to restore it."))
	}
	if err := p.operatorAudit(c, "agency.recover", a.ID, detail); err != nil {
		return err
	}
	p.Log.Info("operator restored a degraded agency", "agency_id", a.ID, "detail", detail, "operator", operatorOf(c).ID)
	p.flash(c, a.Name+" is back in service: "+detail+".")
	return p.redirect(c, "/operator/agencies/"+a.ID)
}
