package app_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
)

func TestValidateSubscriptionSettings(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	goodKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	valid := func() control.SubscriptionSettings {
		return control.SubscriptionSettings{SellerName: "MintedMind", NumberPattern: "SUB-{YYYY}-{SEQ:4}", DueDays: 14, ReminderDays: 3, GraceDays: 14,
			PayseraProjectID: "123456", PayseraPassword: "secret", PayseraPublicKey: goodKey}
	}
	t.Run("settings with a key that parses pass", func(t *testing.T) {
		s := valid()
		if err := app.ValidateSubscriptionSettings(&s); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a key that is not PEM is refused beside its field", func(t *testing.T) {
		s := valid()
		s.PayseraPublicKey = "not a key"
		err := app.ValidateSubscriptionSettings(&s)
		if !apperr.Is(err, apperr.Invalid) || apperr.FieldsOf(err)["paysera_public_key"] != "Paste Paysera's public key as PEM text (-----BEGIN PUBLIC KEY-----…)." {
			t.Fatalf("%v %v", err, apperr.FieldsOf(err))
		}
	})
	t.Run("the store's checks come first", func(t *testing.T) {
		s := valid()
		s.DueDays, s.PayseraPublicKey = 500, "not a key"
		err := app.ValidateSubscriptionSettings(&s)
		if f := apperr.FieldsOf(err); f["due_days"] == "" || f["paysera_public_key"] != "" {
			t.Fatalf("%v", f)
		}
	})
}
