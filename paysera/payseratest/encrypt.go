// Package payseratest builds Paysera's encrypted callbacks the way
// Paysera's side does, for tests of the code that decrypts them. It uses
// crypto/aes directly and nothing of package paysera, so a mistake in our
// decoder cannot be mirrored here.
package payseratest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"net/url"
)

// EncryptData is lib-webtopay's encrypted data (UtilTest getEncryptedData:
// openssl_encrypt with aes-256-gcm and OPENSSL_RAW_DATA): plaintext under
// the project password zero-padded to 32 bytes, as openssl pads a short
// key, written iv ‖ ciphertext ‖ tag in URL-safe base64.
func EncryptData(plaintext, password string, iv []byte) string {
	key := make([]byte, 32)
	copy(key, password)
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // a 32-byte key is always accepted
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	sealed := gcm.Seal(append([]byte{}, iv...), iv, []byte(plaintext), nil)
	return base64.URLEncoding.EncodeToString(sealed)
}

// Callback is an encrypted callback (data only, no ss1, ss2 or ss3)
// carrying fields, under a fresh random 12-byte iv.
func Callback(password string, fields url.Values) url.Values {
	iv := make([]byte, 12)
	if _, err := rand.Read(iv); err != nil {
		panic(err)
	}
	return url.Values{"data": {EncryptData(fields.Encode(), password, iv)}}
}
