package live

import "testing"

func TestViewerMay(t *testing.T) {
	e := Event{CaseID: "k", ClientID: "c1", AssigneeID: "u1", ResponsibleID: "u2", Shared: true}
	internal := e
	internal.Shared = false
	for _, tc := range []struct {
		name string
		v    Viewer
		e    Event
		want bool
	}{
		{"staff who see everything get it", Viewer{UserID: "u9"}, internal, true},
		{"restricted staff get their assigned case", Viewer{UserID: "u1", OwnOnly: true}, internal, true},
		{"restricted staff get their client's case", Viewer{UserID: "u2", OwnOnly: true}, internal, true},
		{"restricted staff get nothing else", Viewer{UserID: "u9", OwnOnly: true}, e, false},
		{"restricted staff with no id get nothing", Viewer{OwnOnly: true}, Event{CaseID: "k"}, false},
		{"the client's contact gets what is shared", Viewer{UserID: "c", ClientID: "c1"}, e, true},
		{"the client's contact gets nothing internal", Viewer{UserID: "c", ClientID: "c1"}, internal, false},
		{"another client's contact gets nothing", Viewer{UserID: "c", ClientID: "c2"}, e, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.May(tc.e); got != tc.want {
				t.Fatalf("May = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBroker(t *testing.T) {
	t.Run("a notice reaches only its agency", func(t *testing.T) {
		b := New(Config{})
		a, _ := b.Subscribe("A", "s1", "t", Viewer{UserID: "u"})
		other, _ := b.Subscribe("B", "s2", "t", Viewer{UserID: "u"})
		b.Publish("A", Event{CaseID: "k1"})
		b.Publish("B", Event{CaseID: "k2"})
		if e := <-a.Events(); e.CaseID != "k1" {
			t.Fatalf("A got %q", e.CaseID)
		}
		if e := <-other.Events(); e.CaseID != "k2" {
			t.Fatalf("B got %q first", e.CaseID)
		}
	})
	t.Run("caps per person and per machine, freed on close", func(t *testing.T) {
		b := New(Config{PerPerson: 2, PerMachine: 3})
		s1, _ := b.Subscribe("A", "s", "1", Viewer{UserID: "u"})
		if _, err := b.Subscribe("A", "s", "2", Viewer{UserID: "u"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Subscribe("A", "s", "3", Viewer{UserID: "u"}); err != ErrOverCap {
			t.Fatalf("third of one person: %v", err)
		}
		if _, err := b.Subscribe("B", "s", "1", Viewer{UserID: "u"}); err != nil {
			t.Fatalf("the same user id in another agency is another person: %v", err)
		}
		if _, err := b.Subscribe("A", "x", "1", Viewer{UserID: "v"}); err != ErrOverCap {
			t.Fatalf("fourth on the machine: %v", err)
		}
		s1.Close()
		s1.Close()
		if b.Open() != 2 {
			t.Fatalf("open %d after a close, want 2", b.Open())
		}
		if _, err := b.Subscribe("A", "x", "1", Viewer{UserID: "v"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the same tab replaces its stream", func(t *testing.T) {
		b := New(Config{PerPerson: 1})
		old, _ := b.Subscribe("A", "s", "tab", Viewer{UserID: "u"})
		if _, err := b.Subscribe("A", "s", "tab", Viewer{UserID: "u"}); err != nil {
			t.Fatal(err)
		}
		if old.Reason() != ReasonReplaced {
			t.Fatalf("old stream ended for %q", old.Reason())
		}
	})
	t.Run("a full queue drops the notice and marks the stream lagged", func(t *testing.T) {
		b := New(Config{Buffer: 1})
		s, _ := b.Subscribe("A", "s", "t", Viewer{UserID: "u"})
		b.Publish("A", Event{CaseID: "k1"})
		b.Publish("A", Event{CaseID: "k2"})
		if !s.Lagged() || s.Lagged() {
			t.Fatal("Lagged should report the drop once")
		}
		if e := <-s.Events(); e.CaseID != "k1" {
			t.Fatalf("kept %q", e.CaseID)
		}
	})
	t.Run("sign-out, a person's other sessions, the agency, shutdown", func(t *testing.T) {
		b := New(Config{})
		mine, _ := b.Subscribe("A", "s1", "t", Viewer{UserID: "u"})
		elsewhere, _ := b.Subscribe("A", "s2", "t", Viewer{UserID: "u"})
		colleague, _ := b.Subscribe("A", "s3", "t", Viewer{UserID: "v"})
		foreign, _ := b.Subscribe("B", "s4", "t", Viewer{UserID: "u"})
		b.CloseUserExcept("A", "u", "s1")
		if elsewhere.Reason() != ReasonSignedOut {
			t.Fatalf("other session: %q", elsewhere.Reason())
		}
		b.CloseSession("A", "s1")
		if mine.Reason() != ReasonSignedOut {
			t.Fatalf("signed out: %q", mine.Reason())
		}
		b.CloseAgency("A")
		if colleague.Reason() != ReasonChanged {
			t.Fatalf("agency: %q", colleague.Reason())
		}
		select {
		case <-foreign.Done():
			t.Fatal("another agency's stream ended")
		default:
		}
		b.Shutdown()
		if foreign.Reason() != ReasonClosed {
			t.Fatalf("shutdown: %q", foreign.Reason())
		}
		if _, err := b.Subscribe("B", "s4", "t", Viewer{UserID: "u"}); err != ErrOverCap {
			t.Fatalf("after shutdown: %v", err)
		}
	})
}
