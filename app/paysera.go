package app

import (
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// PayseraVerifier returns the callback verifier of the agency's Paysera
// project, from its billing settings.
func PayseraVerifier(s tenant.BillingSettings) (paysera.Verifier, error) {
	key, err := paysera.ParsePublicKey(s.PayseraPublicKey)
	if err != nil {
		return paysera.Verifier{}, err
	}
	return paysera.Verifier{Password: s.PayseraPassword, PublicKey: key, AllowSS1Only: s.PayseraAllowSS1Only}, nil
}

// PayseraPayment is a verified Paysera callback as the agency's store
// records it.
func PayseraPayment(cb *paysera.Callback) tenant.ProviderPayment {
	return tenant.ProviderPayment{ProjectID: cb.ProjectID, OrderID: cb.OrderID, RequestID: cb.RequestID, Amount: cb.Amount,
		Currency: cb.Currency, Paid: cb.Status == paysera.StatusPaid, Test: cb.Test}
}

// ValidateBillingSettings checks an agency's billing settings before they
// are saved: the store's checks, one message per field, and that Paysera's
// public key, when there is one, parses.
func ValidateBillingSettings(s *tenant.BillingSettings) error {
	fields := apperr.FieldsOf(s.Validate())
	if fields == nil {
		fields = map[string]string{}
	}
	if fields["paysera_public_key"] == "" && s.PayseraPublicKey != "" {
		if _, err := paysera.ParsePublicKey(s.PayseraPublicKey); err != nil {
			fields["paysera_public_key"] = "Paste Paysera's public key as PEM text (-----BEGIN PUBLIC KEY-----…)."
		}
	}
	return apperr.FieldErrors(fields)
}
