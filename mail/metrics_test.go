package mail_test

import (
	"testing"

	"mintedmind/mail/mailtest"
	"mintedmind/metrics"
)

func TestDeliveriesAreCounted(t *testing.T) {
	// Serial: it reads the process-wide email counters, which every other
	// delivering test moves.
	count := func(result string) float64 {
		return metrics.Value("mintedmind_emails_total", map[string]string{"result": result})
	}
	t.Run("sent", func(t *testing.T) {
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		before := count("sent")
		f.queueReset(t, "ada@example.com")
		f.flush(t)
		if got := count("sent"); got != before+1 {
			t.Fatalf("sent = %v, want %v", got, before+1)
		}
	})
	t.Run("a failed attempt is a retry", func(t *testing.T) {
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		srv.FailNext(1)
		before := count("retry")
		f.queueReset(t, "ada@example.com")
		f.flush(t)
		if got := count("retry"); got != before+1 {
			t.Fatalf("retry = %v, want %v", got, before+1)
		}
	})
	t.Run("without SMTP the email is logged", func(t *testing.T) {
		f := mustNewMailer(t, "")
		before := count("logged")
		f.queueReset(t, "ada@example.com")
		f.flush(t)
		if got := count("logged"); got != before+1 {
			t.Fatalf("logged = %v, want %v", got, before+1)
		}
	})
}
