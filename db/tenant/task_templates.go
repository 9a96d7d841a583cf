package tenant

import (
	"time"

	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Limits of task templates.
const (
	TaskTemplateNameMax  = 100
	TaskTemplateTasksMax = 100
)

// TaskTemplate is a list of tasks an agency applies to cases: by hand, and
// to every case that opens with the label CaseLabel.
type TaskTemplate struct {
	ID        string
	Name      string
	CaseLabel string
	Tasks     []TemplateTask
}

// TemplateTask is one task of a template.
type TemplateTask struct {
	Title     string
	DueDays   int // due this many days after it is applied; -1: no due date
	Shared    bool
	Checklist []string
}

// TaskTemplateInput is a template as typed: its tasks as text, one task a
// line, checklist items under it on lines starting with "-", "+N" for a
// due date N days on and "[client]" to share it (see ParseTemplateTasks).
type TaskTemplateInput struct {
	Name      string
	CaseLabel string
	Tasks     string
}

// ParseTemplateTasks reads a template's tasks from their text:
//
//	Kick-off call +2
//	- Agenda sent
//	Send the logo files +5 [client]
func ParseTemplateTasks(text string) ([]TemplateTask, string) {
	var out []TemplateTask
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(strings.ToValidUTF8(line, ""))
		if line == "" {
			continue
		}
		at := fmt.Sprintf("Line %d: ", n+1)
		if item, ok := strings.CutPrefix(line, "-"); ok {
			item = strings.TrimSpace(item)
			switch {
			case len(out) == 0:
				return nil, at + "a checklist item (starting with -) comes under its task."
			case item == "":
				return nil, at + "write the checklist item after the dash."
			case utf8.RuneCountInString(item) > TaskItemMax:
				return nil, at + fmt.Sprintf("a checklist item has at most %d characters.", TaskItemMax)
			case len(out[len(out)-1].Checklist) >= TaskItemsMax:
				return nil, at + fmt.Sprintf("a checklist has at most %d items.", TaskItemsMax)
			}
			out[len(out)-1].Checklist = append(out[len(out)-1].Checklist, item)
			continue
		}
		task := TemplateTask{DueDays: -1}
		words := strings.Fields(line)
		for len(words) > 1 {
			last := words[len(words)-1]
			if strings.EqualFold(last, "[client]") {
				task.Shared = true
			} else if d, ok := strings.CutPrefix(last, "+"); ok {
				days, err := strconv.Atoi(d)
				if err != nil || days < 0 || days > 3650 {
					return nil, at + "write the due date as +N, the days after the template is applied (0 to 3650)."
				}
				task.DueDays = days
			} else {
				break
			}
			words = words[:len(words)-1]
		}
		task.Title = strings.Join(words, " ")
		if utf8.RuneCountInString(task.Title) > TaskTitleMax {
			return nil, at + fmt.Sprintf("a task's title has at most %d characters.", TaskTitleMax)
		}
		if len(out) >= TaskTemplateTasksMax {
			return nil, fmt.Sprintf("A template has at most %d tasks.", TaskTemplateTasksMax)
		}
		out = append(out, task)
	}
	if len(out) == 0 {
		return nil, "Write at least one task, one a line."
	}
	return out, ""
}

// FormatTemplateTasks writes tasks back as ParseTemplateTasks reads them.
func FormatTemplateTasks(tasks []TemplateTask) string {
	var b strings.Builder
	for _, k := range tasks {
		b.WriteString(k.Title)
		if k.DueDays >= 0 {
			fmt.Fprintf(&b, " +%d", k.DueDays)
		}
		if k.Shared {
			b.WriteString(" [client]")
		}
		b.WriteByte('\n')
		for _, it := range k.Checklist {
			b.WriteString("- " + it + "\n")
		}
	}
	return b.String()
}

func (in *TaskTemplateInput) validate() ([]TemplateTask, error) {
	f := map[string]string{}
	in.Name = strings.Join(strings.Fields(caseCleanText(in.Name)), " ")
	switch {
	case in.Name == "":
		f["name"] = "Name the template."
	case utf8.RuneCountInString(in.Name) > TaskTemplateNameMax:
		f["name"] = fmt.Sprintf("Use at most %d characters.", TaskTemplateNameMax)
	}
	in.CaseLabel = strings.ToLower(strings.TrimSpace(in.CaseLabel))
	if utf8.RuneCountInString(in.CaseLabel) > CaseLabelMax || strings.ContainsAny(in.CaseLabel, ",") {
		f["case_label"] = fmt.Sprintf("One label, at most %d characters.", CaseLabelMax)
	}
	tasks, msg := ParseTemplateTasks(in.Tasks)
	if msg != "" {
		f["tasks"] = msg
	}
	return tasks, apperr.FieldErrors(f)
}

// TaskTemplates lists the agency's templates by name, with how many tasks
// each has.
func (t *Store) TaskTemplates(ctx context.Context) ([]TaskTemplateRow, error) {
	return db.QueryListPrepared(ctx, t.DB, "task templates", 8, func(row db.Scanner) (TaskTemplateRow, error) {
		var r TaskTemplateRow
		return r, row.Scan(&r.ID, &r.Name, &r.CaseLabel, &r.TaskCount)
	}, `SELECT tt.id, tt.name, tt.case_label, (SELECT COUNT(*) FROM task_template_items i WHERE i.template_id = tt.id)
		FROM task_templates tt ORDER BY tt.name COLLATE NOCASE, tt.id`)
}

// TaskTemplateRow is a template in the list.
type TaskTemplateRow struct {
	ID, Name, CaseLabel string
	TaskCount           int
}

// TaskTemplate loads one template with its tasks.
func (t *Store) TaskTemplate(ctx context.Context, id string) (*TaskTemplate, error) {
	return loadTaskTemplate(ctx, t.Reader(), id)
}

func loadTaskTemplate(ctx context.Context, q caseQuerier, id string) (*TaskTemplate, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Template not found.")
	}
	var tt TaskTemplate
	if err := q.QueryRowContext(ctx, `SELECT id, name, case_label FROM task_templates WHERE id = ?`, id).Scan(&tt.ID, &tt.Name, &tt.CaseLabel); err != nil {
		return nil, db.NotFound(err, "Template")
	}
	rows, err := q.QueryContext(ctx, `SELECT title, COALESCE(due_days, -1), shared, checklist FROM task_template_items WHERE template_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("db: template %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k TemplateTask
		var checklist string
		if err := rows.Scan(&k.Title, &k.DueDays, &k.Shared, &checklist); err != nil {
			return nil, fmt.Errorf("db: template %s: %w", id, err)
		}
		if checklist != "" {
			k.Checklist = strings.Split(checklist, "\n")
		}
		tt.Tasks = append(tt.Tasks, k)
	}
	return &tt, rows.Err()
}

// SaveTaskTemplate creates (id "") or replaces a template, and returns its id.
func (t *Store) SaveTaskTemplate(ctx context.Context, id string, in TaskTemplateInput) (string, error) {
	tasks, err := in.validate()
	if err != nil {
		return "", err
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		now := t.Now()
		if id == "" {
			id = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_templates (id, name, case_label, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, id, in.Name, in.CaseLabel, now, now); err != nil {
				return fmt.Errorf("db: insert template: %w", err)
			}
		} else {
			if uuid.Validate(id) != nil {
				return apperr.New(apperr.NotFound, "Template not found.")
			}
			res, err := tx.ExecContext(ctx, `UPDATE task_templates SET name = ?, case_label = ?, updated_at = ? WHERE id = ?`, in.Name, in.CaseLabel, now, id)
			if err != nil {
				return fmt.Errorf("db: update template %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.New(apperr.NotFound, "Template not found.")
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM task_template_items WHERE template_id = ?`, id); err != nil {
				return fmt.Errorf("db: clear template %s: %w", id, err)
			}
		}
		for i, k := range tasks {
			var due any
			if k.DueDays >= 0 {
				due = k.DueDays
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_template_items (template_id, position, title, due_days, shared, checklist) VALUES (?, ?, ?, ?, ?, ?)`,
				id, i, k.Title, due, k.Shared, strings.Join(k.Checklist, "\n")); err != nil {
				return fmt.Errorf("db: template task: %w", err)
			}
		}
		return nil
	})
	return id, err
}

// DeleteTaskTemplate deletes a template; tasks it made stay on their cases.
func (t *Store) DeleteTaskTemplate(ctx context.Context, id string) error {
	if uuid.Validate(id) != nil {
		return apperr.New(apperr.NotFound, "Template not found.")
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM task_templates WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("db: delete template %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Template not found.")
		}
		return nil
	})
}

// ApplyTaskTemplate appends a template's tasks to a case v may see, due
// the template's days after today, with one event on the case's history.
// It returns how many tasks were added.
func (t *Store) ApplyTaskTemplate(ctx context.Context, v Viewer, actor Actor, caseID, templateID string) (int, error) {
	n := 0
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadCase(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		tt, err := loadTaskTemplate(ctx, tx, templateID)
		if err != nil {
			return err
		}
		n = len(tt.Tasks)
		return t.applyTemplateTx(ctx, tx, actor, k.ID, tt)
	})
	return n, err
}

func (t *Store) applyTemplateTx(ctx context.Context, tx *sql.Tx, actor Actor, caseID string, tt *TaskTemplate) error {
	day, err := t.Today(ctx)
	if err != nil {
		return err
	}
	today, _ := time.Parse(DueDateLayout, day)
	anyShared := false
	for _, k := range tt.Tasks {
		in := TaskInput{Title: k.Title, Priority: PriorityNormal, Shared: k.Shared}
		if k.DueDays >= 0 {
			in.DueDate = today.AddDate(0, 0, k.DueDays).Format(DueDateLayout)
		}
		if err := t.insertTask(ctx, tx, actor, caseID, uuid.NewString(), in, k.Checklist, false); err != nil {
			return err
		}
		anyShared = anyShared || k.Shared
	}
	return t.taskEvent(ctx, tx, actor, caseID, TaskTemplateApplied, "", fmt.Sprintf("%s · %d tasks", tt.Name, len(tt.Tasks)), anyShared)
}

// applyLabelTemplates applies, inside the transaction that opens a case,
// every template whose label the case has.
func (t *Store) applyLabelTemplates(ctx context.Context, tx *sql.Tx, actor Actor, caseID string, labels []string) error {
	if len(labels) == 0 {
		return nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(labels)), ", ")
	args := make([]any, len(labels))
	for i, l := range labels {
		args[i] = strings.ToLower(l)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM task_templates WHERE case_label IN (`+marks+`) ORDER BY name COLLATE NOCASE, id`, args...)
	if err != nil {
		return fmt.Errorf("db: templates for labels: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		tt, err := loadTaskTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := t.applyTemplateTx(ctx, tx, actor, caseID, tt); err != nil {
			return err
		}
	}
	return nil
}
