package e2e

import (
	"slices"
	"testing"
)

// An aborted htmx request's two log lines are left out; a failed request,
// an abort of one element after the request of another, and any other
// error stay.
func TestConsoleWatchLeavesOutAbortedRequests(t *testing.T) {
	w := &consoleWatch{entries: []string{
		`console.error: "htmx:afterRequest, [object HTMLDivElement]"`,
		`console.error: "htmx:sendAbort, [object HTMLDivElement]"`,
		`console.error: "htmx:afterRequest, [object HTMLFormElement]"`,
		`console.error: "htmx:sendError, [object HTMLFormElement]"`,
		`console.error: "htmx:afterRequest, [object HTMLFormElement]"`,
		`console.error: "htmx:sendAbort, [object HTMLDivElement]"`,
		`exception: Uncaught TypeError`,
	}}
	want := []string{
		`console.error: "htmx:afterRequest, [object HTMLFormElement]"`,
		`console.error: "htmx:sendError, [object HTMLFormElement]"`,
		`console.error: "htmx:afterRequest, [object HTMLFormElement]"`,
		`console.error: "htmx:sendAbort, [object HTMLDivElement]"`,
		`exception: Uncaught TypeError`,
	}
	if got := w.take(); !slices.Equal(got, want) {
		t.Fatalf("take() = %q\nwant %q", got, want)
	}
	if got := w.take(); len(got) != 0 {
		t.Fatalf("a second take() = %q, want nothing", got)
	}
}
