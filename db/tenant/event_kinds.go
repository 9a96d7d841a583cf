package tenant

// EventKinds names every kind of case event the code writes, each with the
// values its field takes ("" where it takes none). The pages' sentences
// (handlers/event_sentences.go) cover every pair, and a test
// (handlers TestEventKindsRegistered) reads the code and fails on a kind
// or field written anywhere that is not here. A new kind: its constant,
// a row here, a row in handlers' eventSentences.
var EventKinds = map[string][]string{
	EventCreated:       {""},
	EventStatus:        {""},
	EventAssigned:      {""},
	EventField:         {FieldTitle, FieldDescription, FieldPriority, FieldDueDate, FieldLabels, FieldClient, FieldHourlyRate},
	EventNote:          {""},
	EventNoteEdited:    {FieldBody, FieldVisibility},
	EventDocument:      {DocumentUploaded, DocumentShared, DocumentUnshared, DocumentDeleted, DocumentRestored},
	EventInvoice:       {""},
	EventInvoiceIssued: {""},
	EventInvoicePaid:   {""},
	EventInvoiceVoid:   {""},
	EventTask: {TaskAdded, TaskEdited, TaskCompleted, TaskReopened, TaskMoved, TaskDeleted,
		TaskItemAdded, TaskItemDone, TaskItemUndone, TaskItemRemoved, TaskTemplateApplied},
	EventTime:          {TimeLogged, TimeEdited, TimeDeleted, TimeInvoiced, TimeReleased},
	EventDocRequest:    {DocRequestAsked, DocRequestSent, DocRequestAccepted, DocRequestReturned, DocRequestReminded, DocRequestEdited, DocRequestWithdrawn},
	EventRequestOpened: {""},
	EventMessageHidden: {""},
}
