package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Task statuses.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// Limits of a task's fields.
const (
	TaskTitleMax       = 200
	TaskDescriptionMax = 5000
	TaskItemMax        = 300
	TaskItemsMax       = 50
	TasksPerCaseMax    = 500
)

// EventTask is a change to one of a case's tasks; field says which
// (Task* below), new_value names the task (or the checklist item, or the
// template applied), old_value holds what was there before an edit.
const EventTask = "task"

// Kinds of task events (the field of an EventTask event).
const (
	TaskAdded           = "added"
	TaskEdited          = "edited" // old_value → new_value: the changes, "title: a → b; due: …"
	TaskCompleted       = "done"
	TaskReopened        = "reopened"
	TaskMoved           = "moved"
	TaskDeleted         = "deleted"
	TaskItemAdded       = "item_added"
	TaskItemDone        = "item_done"
	TaskItemUndone      = "item_undone"
	TaskItemRemoved     = "item_removed"
	TaskItemMoved       = "item_moved" // old_value: the task; new_value: "<item> → position N"
	TaskTemplateApplied = "template"   // new_value: "<template> · N tasks"
)

// Task is one of a case's tasks with its checklist.
type Task struct {
	ID           string
	CaseID       string
	Position     int
	Title        string
	Description  string
	AssigneeID   string
	AssigneeName string
	AssigneeRole string // RoleClient when a client contact is to do it
	DueDate      string // YYYY-MM-DD or empty
	DueTime      string // HH:MM or empty
	Priority     string
	Status       string
	Shared       bool
	DoneAt       time.Time
	DoneByName   string
	Items        []TaskItem
}

// Done reports whether the task is done.
func (k *Task) Done() bool { return k.Status == TaskDone }

// ItemsDone counts the ticked checklist items.
func (k *Task) ItemsDone() int {
	n := 0
	for _, it := range k.Items {
		if it.Done {
			n++
		}
	}
	return n
}

// TaskItem is one line of a task's checklist.
type TaskItem struct {
	ID   string
	Text string
	Done bool
}

// TaskInput is a task as typed.
type TaskInput struct {
	Title       string
	Description string
	AssigneeID  string // a staff member, or a contact of the case's client when Shared
	DueDate     string
	DueTime     string
	Priority    string // empty means normal
	Shared      bool
}

// Validate cleans the input and checks it; messages are by form field.
func (in *TaskInput) Validate() error {
	f := map[string]string{}
	var msg string
	if in.Title, msg = validateTaskText(in.Title, "the title", TaskTitleMax, true); msg != "" {
		f["title"] = msg
	}
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	if in.Description, msg = validateTaskText(in.Description, "the description", TaskDescriptionMax, false); msg != "" {
		f["description"] = msg
	}
	if in.Priority == "" {
		in.Priority = PriorityNormal
	}
	if !ValidCasePriority(in.Priority) {
		f["priority"] = "Choose low, normal, high or urgent."
	}
	in.DueDate, in.DueTime = strings.TrimSpace(in.DueDate), strings.TrimSpace(in.DueTime)
	if in.DueDate != "" {
		if _, err := time.Parse(DueDateLayout, in.DueDate); err != nil {
			f["due_date"] = "Enter the due date as YYYY-MM-DD."
		}
	}
	if in.DueTime != "" {
		if _, err := time.Parse("15:04", in.DueTime); err != nil || len(in.DueTime) != 5 {
			f["due_time"] = "Enter the time as HH:MM (24-hour, UTC)."
		} else if in.DueDate == "" {
			f["due_time"] = "A due time needs a due date."
		}
	}
	if in.AssigneeID != "" && uuid.Validate(in.AssigneeID) != nil {
		f["assignee_id"] = "Choose someone from the list, or nobody."
	}
	return apperr.FieldErrors(f)
}

func validateTaskText(s, what string, max int, required bool) (string, string) {
	s = caseCleanText(s)
	switch {
	case required && s == "":
		return "", "Enter " + what + "."
	case utf8.RuneCountInString(s) > max:
		return s, fmt.Sprintf("Use at most %d characters for %s.", max, what)
	}
	return s, ""
}

// taskSelect reads tasks with their assignees and checklist items, one row
// per item (a task without items is one row with empty item columns).
const taskSelect = `SELECT t.id, t.case_id, t.position, t.title, t.description, COALESCE(t.assignee_id, ''), COALESCE(u.name, ''), COALESCE(u.role, ''),
	COALESCE(t.due_date, ''), COALESCE(t.due_time, ''), t.priority, t.status, t.shared, t.done_at, t.done_by_name,
	COALESCE(i.id, ''), COALESCE(i.text, ''), COALESCE(i.done, 0)
	FROM tasks t
	LEFT JOIN users u ON u.id = t.assignee_id
	LEFT JOIN task_items i ON i.task_id = t.id`

// scanTasks folds the rows of taskSelect (ordered by task, then item) into tasks.
func scanTasks(rows *sql.Rows) ([]*Task, error) {
	defer rows.Close()
	var out []*Task
	for rows.Next() {
		var k Task
		var done sql.NullInt64
		var it TaskItem
		if err := rows.Scan(&k.ID, &k.CaseID, &k.Position, &k.Title, &k.Description, &k.AssigneeID, &k.AssigneeName, &k.AssigneeRole,
			&k.DueDate, &k.DueTime, &k.Priority, &k.Status, &k.Shared, &done, &k.DoneByName, &it.ID, &it.Text, &it.Done); err != nil {
			return nil, fmt.Errorf("db: scan task: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].ID != k.ID {
			k.DoneAt = db.NullUnix(done)
			out = append(out, &k)
		}
		if it.ID != "" {
			last := out[len(out)-1]
			last.Items = append(last.Items, it)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: tasks: %w", err)
	}
	return out, nil
}

// CaseTasks lists a case's tasks in order with their checklists, in one
// query (the case page reads it on every view). With sharedOnly, only the
// tasks shared with the client. The case must be visible to v.
func (t *Store) CaseTasks(ctx context.Context, v Viewer, caseID string, sharedOnly bool) ([]*Task, error) {
	filter, args := v.caseFilter("c")
	shared := ""
	if sharedOnly {
		shared = " AND t.shared = 1"
	}
	q := taskSelect + ` WHERE t.case_id = ?` + shared + ` AND EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id AND ` + filter + `)
		ORDER BY t.position, t.id, i.position`
	rows, err := t.Reader().QueryContext(ctx, q, append([]any{caseID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("db: tasks of case %s: %w", caseID, err)
	}
	return scanTasks(rows)
}

// loadTask reads, inside tx, a task of a case that v may see.
func loadTask(ctx context.Context, tx *sql.Tx, v Viewer, caseID, taskID string) (*Task, error) {
	if uuid.Validate(taskID) != nil {
		return nil, apperr.New(apperr.NotFound, "Task not found.")
	}
	filter, args := v.caseFilter("c")
	rows, err := tx.QueryContext(ctx, taskSelect+` WHERE t.id = ? AND t.case_id = ? AND EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id AND `+filter+`)
		ORDER BY i.position`, append([]any{taskID, caseID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("db: task %s: %w", taskID, err)
	}
	list, err := scanTasks(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.New(apperr.NotFound, "Task not found.")
	}
	return list[0], nil
}

// Task loads one task of a case that v may see.
func (t *Store) Task(ctx context.Context, v Viewer, caseID, taskID string) (*Task, error) {
	var k *Task
	err := t.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = loadTask(ctx, tx, v, caseID, taskID)
		return err
	})
	return k, err
}

// readTx runs fn in a read-only transaction of the read pool.
func (t *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := t.Read().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("db: begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// taskAssigneeName checks, inside tx, that a task of the case may be
// assigned to the user: an active member of the team, or (shared tasks
// only) an active contact of the case's client. It returns the name.
func taskAssigneeName(ctx context.Context, tx *sql.Tx, k *Case, userID string, shared bool) (string, error) {
	var name, role, clientID string
	err := tx.QueryRowContext(ctx, `SELECT name, role, COALESCE(client_id, '') FROM users WHERE id = ? AND status = 'active'`, userID).Scan(&name, &role, &clientID)
	if err != nil && err != sql.ErrNoRows {
		return "", fmt.Errorf("db: task assignee %s: %w", userID, err)
	}
	switch {
	case err == nil && role != RoleClient:
		return name, nil
	case err == nil && clientID == k.ClientID && shared:
		return name, nil
	case err == nil && clientID == k.ClientID:
		return "", apperr.FieldErrors(map[string]string{"assignee_id": "Share the task with the client to give it to " + name + "."})
	}
	return "", apperr.FieldErrors(map[string]string{"assignee_id": "Choose an active member of your team or a contact of this client, or nobody."})
}

// CreateTask adds a task at the end of a case's list, recorded on the
// case's history (the client sees it when shared), in one transaction.
func (t *Store) CreateTask(ctx context.Context, v Viewer, actor Actor, caseID string, in TaskInput) (*Task, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadCase(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		if in.AssigneeID != "" {
			if _, err := taskAssigneeName(ctx, tx, k, in.AssigneeID, in.Shared); err != nil {
				return err
			}
		}
		return t.insertTask(ctx, tx, actor, k.ID, id, in, nil, true)
	})
	if err != nil {
		return nil, err
	}
	return t.Task(ctx, v, caseID, id)
}

// insertTask appends a task (and its checklist) to the case's list; with
// event, its "added" event too.
func (t *Store) insertTask(ctx context.Context, tx *sql.Tx, actor Actor, caseID, id string, in TaskInput, items []string, event bool) error {
	var pos, count int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1, COUNT(*) FROM tasks WHERE case_id = ?`, caseID).Scan(&pos, &count); err != nil {
		return fmt.Errorf("db: next task position: %w", err)
	}
	if count >= TasksPerCaseMax {
		return apperr.New(apperr.Invalid, "A case has at most %d tasks.", TasksPerCaseMax)
	}
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (id, case_id, position, title, description, assignee_id, due_date, due_time, priority, shared, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, caseID, pos, in.Title, in.Description, caseNullable(in.AssigneeID), caseNullable(in.DueDate),
		caseNullable(in.DueTime), in.Priority, in.Shared, caseNullable(actor.ID), now, now); err != nil {
		return fmt.Errorf("db: insert task: %w", err)
	}
	for i, text := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_items (id, task_id, position, text) VALUES (?, ?, ?, ?)`, uuid.NewString(), id, i, text); err != nil {
			return fmt.Errorf("db: insert checklist item: %w", err)
		}
	}
	if !event {
		return nil
	}
	return t.taskEvent(ctx, tx, actor, caseID, TaskAdded, "", in.Title, in.Shared)
}

func (t *Store) taskEvent(ctx context.Context, tx *sql.Tx, actor Actor, caseID, field, old, new string, visible bool) error {
	if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventTask, Field: field,
		OldValue: old, NewValue: new, VisibleToClient: visible}); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cases SET updated_at = ? WHERE id = ?`, t.Now(), caseID)
	return err
}

// UpdateTask replaces a task's fields and records what changed on the
// case's history. It reports whether anything changed.
func (t *Store) UpdateTask(ctx context.Context, v Viewer, actor Actor, caseID, taskID string, in TaskInput) (bool, error) {
	if err := in.Validate(); err != nil {
		return false, err
	}
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadCase(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		old, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		name := ""
		if in.AssigneeID != "" {
			if name, err = taskAssigneeName(ctx, tx, k, in.AssigneeID, in.Shared); err != nil {
				return err
			}
		}
		var was, now []string
		diff := func(label, a, b string) {
			if a != b {
				was, now = append(was, label+": "+caseOrDash(a)), append(now, label+": "+caseOrDash(b))
			}
		}
		diff("title", old.Title, in.Title)
		diff("description", old.Description, in.Description)
		diff("assignee", old.AssigneeName, name)
		diff("due", strings.TrimSpace(old.DueDate+" "+old.DueTime), strings.TrimSpace(in.DueDate+" "+in.DueTime))
		diff("priority", old.Priority, in.Priority)
		diff("shared with the client", yesNo(old.Shared), yesNo(in.Shared))
		if len(now) == 0 {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET title = ?, description = ?, assignee_id = ?, due_date = ?, due_time = ?, priority = ?, shared = ?, updated_at = ? WHERE id = ?`,
			in.Title, in.Description, caseNullable(in.AssigneeID), caseNullable(in.DueDate), caseNullable(in.DueTime), in.Priority, in.Shared, t.Now(), taskID); err != nil {
			return fmt.Errorf("db: update task %s: %w", taskID, err)
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskEdited, in.Title+" — "+strings.Join(was, "; "), in.Title+" — "+strings.Join(now, "; "), false)
	})
	return changed, err
}

func caseOrDash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// SetTaskDone marks a task of a case v may see done or open again, on the
// case's history (the client sees it when the task is shared).
func (t *Store) SetTaskDone(ctx context.Context, v Viewer, actor Actor, caseID, taskID string, done bool) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		return t.setTaskDone(ctx, tx, actor, k, done)
	})
}

// ClientSetTaskDone is a client contact ticking (or unticking) a task in
// the portal: only a task of their client's case that is shared with the
// client and assigned to them. Any other task is not found.
func (t *Store) ClientSetTaskDone(ctx context.Context, v Viewer, actor Actor, caseID, taskID string, done bool) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if v.ClientID == "" {
			return apperr.New(apperr.NotFound, "Task not found.")
		}
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		if !k.Shared || k.AssigneeID != actor.ID {
			return apperr.New(apperr.NotFound, "Task not found.")
		}
		return t.setTaskDone(ctx, tx, actor, k, done)
	})
}

func (t *Store) setTaskDone(ctx context.Context, tx *sql.Tx, actor Actor, k *Task, done bool) error {
	if done == k.Done() {
		return nil
	}
	var err error
	if done {
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_at = ?, done_by_name = ?, updated_at = ? WHERE id = ?`, t.Now(), actor.Name, t.Now(), k.ID)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET status = 'open', done_at = NULL, done_by_name = '', updated_at = ? WHERE id = ?`, t.Now(), k.ID)
	}
	if err != nil {
		return fmt.Errorf("db: set task %s done: %w", k.ID, err)
	}
	field := TaskCompleted
	if !done {
		field = TaskReopened
	}
	return t.taskEvent(ctx, tx, actor, k.CaseID, field, "", k.Title, k.Shared)
}

// MoveTask puts a task at index to (0 first) of its case's list, the
// others keeping their order, on the case's history.
func (t *Store) MoveTask(ctx context.Context, v Viewer, actor Actor, caseID, taskID string, to int) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM tasks WHERE case_id = ? ORDER BY position, id`, caseID)
		if err != nil {
			return fmt.Errorf("db: task order: %w", err)
		}
		var ids []string
		from := -1
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("db: task order: %w", err)
			}
			if id == taskID {
				from = len(ids)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if from < 0 {
			return apperr.New(apperr.NotFound, "Task not found.")
		}
		to = max(0, min(to, len(ids)-1))
		if to == from {
			return nil
		}
		ids = append(ids[:from], ids[from+1:]...)
		ids = append(ids[:to], append([]string{taskID}, ids[to:]...)...)
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE tasks SET position = ? WHERE id = ? AND position <> ?`, i, id, i); err != nil {
				return fmt.Errorf("db: reorder tasks: %w", err)
			}
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskMoved, fmt.Sprint(from+1), fmt.Sprintf("%s → position %d", k.Title, to+1), false)
	})
}

// DeleteTask removes a task and its checklist; its time entries stay on
// the case, without the task.
func (t *Store) DeleteTask(ctx context.Context, v Viewer, actor Actor, caseID, taskID string) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE id = ?`, k.ID); err != nil {
			return fmt.Errorf("db: delete task %s: %w", k.ID, err)
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskDeleted, "", k.Title, k.Shared)
	})
}

// AddTaskItem appends an item to a task's checklist.
func (t *Store) AddTaskItem(ctx context.Context, v Viewer, actor Actor, caseID, taskID, text string) error {
	text, msg := validateTaskText(text, "the item", TaskItemMax, true)
	if msg != "" {
		return apperr.FieldErrors(map[string]string{"text": msg})
	}
	text = strings.Join(strings.Fields(text), " ")
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		if len(k.Items) >= TaskItemsMax {
			return apperr.FieldErrors(map[string]string{"text": fmt.Sprintf("A checklist has at most %d items.", TaskItemsMax)})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_items (id, task_id, position, text)
			VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM task_items WHERE task_id = ?), ?)`, uuid.NewString(), k.ID, k.ID, text); err != nil {
			return fmt.Errorf("db: add checklist item: %w", err)
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskItemAdded, k.Title, text, false)
	})
}

// SetTaskItemDone ticks or unticks a checklist item.
func (t *Store) SetTaskItemDone(ctx context.Context, v Viewer, actor Actor, caseID, taskID, itemID string, done bool) error {
	return t.taskItemChange(ctx, v, actor, caseID, taskID, itemID, func(tx *sql.Tx, k *Task, it TaskItem) error {
		if it.Done == done {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE task_items SET done = ? WHERE id = ?`, done, it.ID); err != nil {
			return fmt.Errorf("db: tick checklist item: %w", err)
		}
		field := TaskItemDone
		if !done {
			field = TaskItemUndone
		}
		return t.taskEvent(ctx, tx, actor, caseID, field, k.Title, it.Text, false)
	})
}

// MoveTaskItem puts a checklist item at index to (0 first) of its task's
// checklist, the others keeping their order, on the case's history.
func (t *Store) MoveTaskItem(ctx context.Context, v Viewer, actor Actor, caseID, taskID, itemID string, to int) error {
	return t.taskItemChange(ctx, v, actor, caseID, taskID, itemID, func(tx *sql.Tx, k *Task, it TaskItem) error {
		ids := make([]string, len(k.Items))
		from := 0
		for i, x := range k.Items {
			if ids[i] = x.ID; x.ID == it.ID {
				from = i
			}
		}
		to = max(0, min(to, len(ids)-1))
		if to == from {
			return nil
		}
		ids = append(ids[:from], ids[from+1:]...)
		ids = append(ids[:to], append([]string{it.ID}, ids[to:]...)...)
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE task_items SET position = ? WHERE id = ? AND position <> ?`, i, id, i); err != nil {
				return fmt.Errorf("db: reorder checklist of task %s: %w", k.ID, err)
			}
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskItemMoved, k.Title, fmt.Sprintf("%s → position %d", it.Text, to+1), false)
	})
}

// DeleteTaskItem removes an item from a task's checklist.
func (t *Store) DeleteTaskItem(ctx context.Context, v Viewer, actor Actor, caseID, taskID, itemID string) error {
	return t.taskItemChange(ctx, v, actor, caseID, taskID, itemID, func(tx *sql.Tx, k *Task, it TaskItem) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_items WHERE id = ?`, it.ID); err != nil {
			return fmt.Errorf("db: delete checklist item: %w", err)
		}
		return t.taskEvent(ctx, tx, actor, caseID, TaskItemRemoved, k.Title, it.Text, false)
	})
}

func (t *Store) taskItemChange(ctx context.Context, v Viewer, actor Actor, caseID, taskID, itemID string, fn func(*sql.Tx, *Task, TaskItem) error) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadTask(ctx, tx, v, caseID, taskID)
		if err != nil {
			return err
		}
		for _, it := range k.Items {
			if it.ID == itemID {
				return fn(tx, k, it)
			}
		}
		return apperr.New(apperr.NotFound, "Checklist item not found.")
	})
}

// TaskAssignee is someone a case's task can be given to.
type TaskAssignee struct {
	ID      string
	Name    string
	Contact bool // a contact of the case's client: shared tasks only
}

// TaskAssignees lists the active team and the active contacts of a
// client, team first, each by name.
func (t *Store) TaskAssignees(ctx context.Context, clientID string) ([]TaskAssignee, error) {
	return db.QueryListPrepared(ctx, t.DB, "task assignees", 16, func(row db.Scanner) (TaskAssignee, error) {
		var a TaskAssignee
		return a, row.Scan(&a.ID, &a.Name, &a.Contact)
	}, `SELECT id, name, role = 'client' FROM users WHERE status = 'active' AND (role <> 'client' OR client_id = ?)
		ORDER BY role = 'client', name COLLATE NOCASE, id`, clientID)
}

// MyTask is an open task assigned to someone, with its case.
type MyTask struct {
	Task
	CaseNumber int64
	CaseTitle  string
	ClientName string
}

// MyTasks lists the open tasks assigned to userID on cases v may see, due
// soonest first (those without a due date last), at most limit; with
// until set, only those due on or before that day.
func (t *Store) MyTasks(ctx context.Context, v Viewer, userID, until string, limit int) ([]MyTask, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	filter, args := v.caseFilter("c")
	where := `t.assignee_id = ? AND t.status = 'open' AND ` + filter
	args = append([]any{userID}, args...)
	if until != "" {
		where += ` AND t.due_date <= ?`
		args = append(args, until)
	}
	args = append(args, limit)
	return db.QueryListPrepared(ctx, t.DB, "my tasks", 32, func(row db.Scanner) (MyTask, error) {
		var m MyTask
		err := row.Scan(&m.ID, &m.CaseID, &m.Title, &m.DueDate, &m.DueTime, &m.Priority, &m.Shared, &m.CaseNumber, &m.CaseTitle, &m.ClientName)
		m.Status, m.AssigneeID = TaskOpen, userID
		return m, err
	}, `SELECT t.id, t.case_id, t.title, COALESCE(t.due_date, ''), COALESCE(t.due_time, ''), t.priority, t.shared, c.number, c.title, cl.name
		FROM tasks t JOIN cases c ON c.id = t.case_id JOIN clients cl ON cl.id = c.client_id
		WHERE `+where+`
		ORDER BY t.due_date IS NULL, t.due_date, t.due_time IS NULL, t.due_time, c.number, t.position LIMIT ?`, args...)
}
