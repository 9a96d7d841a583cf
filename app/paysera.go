package app

import (
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// ValidateBillingSettings checks an agency's billing settings before they
// are saved: the store's checks, one message per field, and that Paysera's
// public key, when there is one, parses, and is there when a project id
// or sign password is (without it no callback can be checked).
func ValidateBillingSettings(s *tenant.BillingSettings) error {
	fields := apperr.FieldsOf(s.Validate())
	if fields == nil {
		fields = map[string]string{}
	}
	if fields["paysera_public_key"] == "" && s.PayseraPublicKey == "" && (s.PayseraProjectID != "" || s.PayseraPassword != "") {
		fields["paysera_public_key"] = payseraKeyMessage
	}
	if fields["paysera_public_key"] == "" && s.PayseraPublicKey != "" {
		if _, err := paysera.ParsePublicKey(s.PayseraPublicKey); err != nil {
			fields["paysera_public_key"] = "Paste Paysera's public key as PEM text (-----BEGIN PUBLIC KEY-----…)."
		}
	}
	return apperr.FieldErrors(fields)
}

// ValidateSubscriptionSettings checks the operator's subscription billing
// settings before they are saved: the store's checks, then that Paysera's
// public key, when there is one, parses (the operator's project checks
// subscription callbacks with it).
func ValidateSubscriptionSettings(s *control.SubscriptionSettings) error {
	if err := control.ValidateSubscriptionSettings(s); err != nil {
		return err
	}
	if s.PayseraPublicKey != "" {
		if _, err := paysera.ParsePublicKey(s.PayseraPublicKey); err != nil {
			return apperr.FieldErrors(map[string]string{"paysera_public_key": "Paste Paysera's public key as PEM text (-----BEGIN PUBLIC KEY-----…)."})
		}
	}
	return nil
}
