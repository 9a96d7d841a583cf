package app_test

import (
	"testing"

	"mintedmind/app"
	"mintedmind/db/tenant"
)

func TestUnsubscribeToken(t *testing.T) {
	t.Parallel()
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok := app.UnsubscribeToken(secret, "agency-a", "user-1", tenant.EmailCaseUpdates)
	if u, k, ok := app.ParseUnsubscribeToken(secret, "agency-a", tok); !ok || u != "user-1" || k != tenant.EmailCaseUpdates {
		t.Fatalf("own token parsed to %q %q %v", u, k, ok)
	}
	for name, c := range map[string]struct {
		secret        []byte
		agency, token string
	}{
		"another agency":    {secret, "agency-b", tok},
		"another secret":    {[]byte("another secret, same length......"), "agency-a", tok},
		"no signature":      {secret, "agency-a", tok[:len(tok)-43]},
		"empty":             {secret, "agency-a", ""},
		"unknown kind":      {secret, "agency-a", app.UnsubscribeToken(secret, "agency-a", "user-1", "marketing")},
		"no person":         {secret, "agency-a", app.UnsubscribeToken(secret, "agency-a", "", tenant.EmailCaseUpdates)},
		"signature swapped": {secret, "agency-a", app.UnsubscribeToken(secret, "agency-a", "user-2", tenant.EmailCaseUpdates)[:20] + tok[20:]},
	} {
		if u, k, ok := app.ParseUnsubscribeToken(c.secret, c.agency, c.token); ok {
			t.Errorf("%s: token accepted as %q %q", name, u, k)
		}
	}
}
