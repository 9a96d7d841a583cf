package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	h := NewHasher(cheap, 2)
	ctx := context.Background()
	for _, pw := range []string{"correct horse", strings.Repeat("é", 128), "with\x00nul and 🔑 emoji"} {
		hash, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := h.Verify(ctx, hash, pw); !ok {
			t.Errorf("%q does not verify", pw)
		}
		if ok, _ := h.Verify(ctx, hash, pw+"x"); ok {
			t.Errorf("%q+x verifies", pw)
		}
	}
	t.Run("two hashes of one password differ (salted)", func(t *testing.T) {
		a, _ := h.Hash(ctx, "same password")
		b, _ := h.Hash(ctx, "same password")
		if a == b {
			t.Fatal("no salt")
		}
	})
	t.Run("an empty hash never verifies", func(t *testing.T) {
		if ok, err := h.Verify(ctx, "", "not a password"); ok || err != nil {
			t.Fatal(ok, err)
		}
	})
	t.Run("an unknown account's stand-in hash costs what a real one does", func(t *testing.T) {
		p, salt, key, err := decode(h.dummy)
		if err != nil || p != cheap || len(salt) != 16 || len(key) != 32 {
			t.Fatalf("the stand-in decodes to %+v, a %d-byte salt and a %d-byte key (%v), want the hasher's parameters, 16 and 32", p, len(salt), len(key), err)
		}
		real, _ := h.Hash(ctx, "x")
		rp, _, _, _ := decode(real)
		if rp != p {
			t.Fatalf("a real hash has parameters %+v, the stand-in %+v", rp, p)
		}
	})
	t.Run("a malformed hash is an error", func(t *testing.T) {
		if _, err := h.Verify(ctx, "$2a$10$bcrypt", "x"); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"1234567":                false,
		"12345678":               true,
		strings.Repeat("x", 128): true,
		strings.Repeat("x", 129): false,
		strings.Repeat("é", 128): true, // 256 bytes, 128 characters
		"        ":               true, // any characters
	} {
		if got := ValidatePassword(pw) == ""; got != ok {
			t.Errorf("%d chars: ok=%v", len([]rune(pw)), got)
		}
	}
}

func TestHasherQueueIsBounded(t *testing.T) {
	h := NewHasher(cheap, 1)
	h.maxWait = 50 * time.Millisecond
	h.slots <- struct{}{} // the only slot is busy
	_, err := h.Hash(context.Background(), "whatever password")
	if !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("err = %v, want unavailable", err)
	}
	<-h.slots
	if _, err := h.Hash(context.Background(), "whatever password"); err != nil {
		t.Fatal(err)
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) != 43 {
		t.Fatalf("%q %q", a, b)
	}
	if HashToken(a) == a || HashToken(a) != HashToken(a) {
		t.Fatal("hash")
	}
	if !Equal(Sign([]byte("k"), "m"), Sign([]byte("k"), "m")) || Equal(Sign([]byte("k"), "m"), Sign([]byte("k2"), "m")) {
		t.Fatal("sign")
	}
}
