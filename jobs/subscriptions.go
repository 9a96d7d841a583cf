package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/files"
)

// JobSubscriptions rolls agencies' subscription periods, issues each
// period's invoice once, runs dunning, and deletes closed cases older than
// the plan keeps them.
const JobSubscriptions = "subscriptions"

// Dunning notice kinds, one email each per invoice.
const (
	NoticeDueSoon   = "due-soon"
	NoticeOverdue   = "overdue"
	NoticeSuspended = "suspended"
)

// AddSubscriptions registers the subscription job (hourly). selfHosted
// turns it into a no-op, as does an install without a priced plan.
func (r *Runner) AddSubscriptions(mailer app.Mailer, baseURL string, selfHosted bool) {
	s := &subscriptionJob{r: r, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/"), selfHosted: selfHosted}
	r.add(Job{Name: JobSubscriptions, Schedule: "@hourly", Run: s.run})
}

type subscriptionJob struct {
	r          *Runner
	mailer     app.Mailer
	baseURL    string
	selfHosted bool
}

func (s *subscriptionJob) run(ctx context.Context, run *control.JobRun) error {
	if s.selfHosted {
		run.Counts["self_hosted"] = 1
		return nil
	}
	if err := s.r.control.EnsureDefaultPlans(ctx); err != nil {
		return err
	}
	if priced, err := s.r.control.AnyPricedPlan(ctx); err != nil || !priced {
		return err
	}
	settings, err := s.r.control.LoadSubscriptionSettings(ctx)
	if err != nil {
		return err
	}
	agencies, err := s.r.control.Agencies(ctx)
	if err != nil {
		return err
	}
	held, err := s.r.holder.Holdings(ctx)
	if err != nil {
		return err
	}
	var firstErr error
	fail := func(a *control.Agency, err error) {
		run.Counts["agency_errors"]++
		s.r.log.Error("subscriptions: agency step failed", "agency_id", a.ID, "err", err)
		if firstErr == nil {
			firstErr = fmt.Errorf("agency %s: %w", a.ID, err)
		}
	}
	for _, a := range agencies {
		if !a.Usable() || !held.Holds(ctx, a.ID) || s.r.pool.Refused(a.ID) {
			continue // another machine's or being moved, or degraded (its data is being restored)
		}
		n, err := s.r.control.AdvancePeriods(ctx, a.ID)
		if err != nil {
			fail(a, err)
			continue
		}
		run.Counts["periods_started"] += int64(n)
		if err := s.archiveClosedCases(ctx, run, a); err != nil {
			fail(a, err)
			continue
		}
		if !settings.CanCharge() {
			// No way to pay yet: nothing is issued until the operator adds
			// bank details or a Paysera project (the console says so).
			run.Counts["not_charged"]++
			continue
		}
		inv, created, err := s.r.control.IssueSubscriptionInvoice(ctx, a.ID, settings, s.buyer(a.ID))
		if err != nil {
			fail(a, err)
			continue
		}
		if !created {
			continue
		}
		run.Counts["invoices"]++
		if err := s.email(ctx, a, inv, settings, "subscription-invoice", ""); err != nil {
			run.Counts["send_errors"]++
			s.r.log.Warn("subscriptions: send invoice", "agency_id", a.ID, "invoice", inv.Number, "err", err)
		}
	}
	if err := s.dunning(ctx, run, settings, held); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = held.Err()
	}
	return firstErr
}

// buyer reads agency id's legal details for its invoice, from its store.
func (s *subscriptionJob) buyer(id string) control.BuyerFunc {
	return func(ctx context.Context) (billing.Party, error) {
		t, release, err := s.r.pool.Acquire(ctx, id)
		if err != nil {
			return billing.Party{}, err
		}
		defer release()
		return app.SubscriptionBuyer(t)(ctx)
	}
}

// archiveClosedCases archives the agency's cases closed longer ago than its
// plan keeps them (no limit: nothing), and deletes their documents' files
// when the agency chose so.
func (s *subscriptionJob) archiveClosedCases(ctx context.Context, run *control.JobRun, a *control.Agency) error {
	keep, err := s.r.control.ClosedCaseRetention(ctx, a.ID)
	if err != nil || keep == 0 {
		return err
	}
	t, release, err := s.r.pool.Acquire(ctx, a.ID)
	if err != nil {
		return err
	}
	defer release()
	settings, err := t.Settings(ctx)
	if err != nil {
		return err
	}
	n, docs, err := t.ArchiveClosedCases(ctx, s.r.clock.Now().Add(-keep), settings.PurgeArchivedDocuments)
	if err != nil {
		return err
	}
	run.Counts["closed_cases_archived"] += n
	run.Counts["archived_documents_deleted"] += int64(len(docs))
	for _, d := range docs {
		if err := files.Remove(t.FilesDir(), d.StorageKey, d.ThumbKey); err != nil {
			s.r.log.Warn("subscriptions: remove an archived case's document file", "agency_id", a.ID, "document", d.ID, "err", err)
			run.Counts["files_kept"]++
		}
	}
	return nil
}

// dunning reminds before the due date, marks agencies past due after it,
// and suspends them after the grace period; each email goes once.
func (s *subscriptionJob) dunning(ctx context.Context, run *control.JobRun, settings control.SubscriptionSettings, held *app.Holdings) error {
	open, err := s.r.control.OpenSubscriptionInvoices(ctx)
	if err != nil {
		return err
	}
	now := s.r.clock.Now()
	for _, inv := range open {
		a, err := s.r.control.AgencyByID(ctx, inv.AgencyID)
		if err != nil {
			return err
		}
		if !held.Holds(ctx, a.ID) || s.r.pool.Refused(a.ID) {
			continue // another machine's or being moved, or degraded: not suspended, nor reminded, while its data is being restored
		}
		kind, to := "", ""
		switch {
		case !now.Before(inv.DueAt.AddDate(0, 0, int(settings.GraceDays))):
			kind, to = NoticeSuspended, control.AgencySuspended
		case !now.Before(inv.DueAt):
			kind, to = NoticeOverdue, control.AgencyPastDue
		case !now.Before(inv.DueAt.AddDate(0, 0, -int(settings.ReminderDays))):
			kind = NoticeDueSoon
		default:
			continue
		}
		if to != "" && a.Status != to && control.CanTransition(a.Status, to) && !(to == control.AgencyPastDue && a.Status == control.AgencySuspended) {
			if _, err := s.r.control.SetAgencyStatus(ctx, a.ID, to); err != nil {
				return err
			}
			run.Counts["agencies_"+to]++
			s.r.log.Info("subscriptions: agency status", "agency_id", a.ID, "from", a.Status, "to", to, "invoice", inv.Number)
		}
		fresh, err := s.r.control.RecordSubscriptionNotice(ctx, inv.ID, kind)
		if err != nil {
			return err
		}
		if !fresh {
			continue
		}
		if err := s.email(ctx, a, inv, settings, "subscription-reminder", kind); err != nil {
			run.Counts["send_errors"]++
			s.r.log.Warn("subscriptions: send reminder", "agency_id", a.ID, "invoice", inv.Number, "err", err)
			if ferr := s.r.control.ForgetSubscriptionNotice(ctx, inv.ID, kind); ferr != nil {
				return ferr
			}
			continue
		}
		run.Counts["reminders_"+kind]++
	}
	return nil
}

// email sends an invoice or reminder with its PDF to the agency's owners.
func (s *subscriptionJob) email(ctx context.Context, a *control.Agency, inv *control.SubscriptionInvoice, settings control.SubscriptionSettings, template, kind string) error {
	if s.mailer == nil {
		return nil
	}
	t, release, err := s.r.pool.Acquire(ctx, a.ID)
	if err != nil {
		return err
	}
	defer release()
	owners, err := t.OwnerEmails(ctx)
	if err != nil {
		return err
	}
	if len(owners) == 0 {
		return nil
	}
	paid, err := s.r.control.SubscriptionInvoicePaid(ctx, inv.ID)
	if err != nil {
		return err
	}
	pdf, err := app.SubscriptionInvoicePDF(inv, settings, paid, owners[0])
	if err != nil {
		return err
	}
	data := map[string]any{
		"AgencyName": a.Name, "SellerName": settings.SellerName, "Number": inv.Number, "PlanName": inv.PlanName,
		"Amount": billing.FormatMoney(inv.Amount, inv.Currency), "DueDate": inv.DueAt.Format(billing.DateLayout),
		"PeriodStart": inv.PeriodStart.Format(billing.DateLayout), "PeriodEnd": inv.PeriodEnd.Format(billing.DateLayout),
		"Kind": kind, "GraceDays": settings.GraceDays, "Link": s.baseURL + "/a/" + a.Slug + "/plan",
		"DaysLate": int(s.r.clock.Now().Sub(inv.DueAt) / (24 * time.Hour)),
	}
	att := []control.EmailAttachment{{Filename: app.SubscriptionInvoiceFilename(inv), ContentType: "application/pdf", Data: pdf}}
	for _, to := range owners {
		if err := s.mailer.QueueWithAttachments(ctx, a.ID, to, template, data, att); err != nil {
			return err
		}
	}
	return nil
}
