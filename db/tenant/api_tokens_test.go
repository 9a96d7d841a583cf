package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "tokens")
	other, _ := f.mustOpenAgency(t, "tokens-other")
	ctx := context.Background()
	k, secret, err := tn.CreateAPIToken(ctx, owner, tenant.APITokenInput{Name: "Zapier", Scopes: []string{"cases:write"}, ExpiresAt: f.clock.Now().Add(time.Hour)}, tenant.Audit{Action: "api_token.created"})
	if err != nil {
		t.Fatal(err)
	}
	if got := tenant.AgencyOfAPIToken(secret); got != tn.AgencyID {
		t.Fatalf("secret names agency %q, want %q", got, tn.AgencyID)
	}
	if _, _, err := other.APITokenBySecret(ctx, secret); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("another agency's database took the token: %v", err)
	}
	got, u, err := tn.APITokenBySecret(ctx, secret)
	if err != nil || u.ID != owner.ID || !got.Allows("cases:read") || got.Allows("clients:read") {
		t.Fatalf("token %+v user %v err %v", got, u, err)
	}
	f.clock.Advance(2 * time.Hour)
	if _, _, err := tn.APITokenBySecret(ctx, secret); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("expired token accepted: %v", err)
	}
	if _, err := tn.RevokeAPIToken(ctx, k.ID, tenant.Audit{Action: "api_token.revoked"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tn.CreateAPIToken(ctx, owner, tenant.APITokenInput{Name: "", Scopes: []string{"bogus:write"}}, tenant.Audit{}); len(apperr.FieldsOf(err)) != 2 {
		t.Errorf("bad token input: %v", err)
	}
}
