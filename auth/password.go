// Package auth holds password hashing and the random tokens used for
// sessions, invites and resets.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"mintedmind/apperr"
)

// Password length limits, counted in characters.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Hasher hashes and verifies passwords with argon2id, at most a fixed number
// at a time: each hash holds Params.Memory, so a burst of sign-ins waits in
// line instead of exhausting memory or starving other requests.
type Hasher struct {
	params  Params
	slots   chan struct{}
	dummy   string
	maxWait time.Duration
}

// maxQueueWait is how long a hash waits for a free slot before the request
// is answered "busy, try again" instead of piling up.
const maxQueueWait = 10 * time.Second

// NewHasher returns a hasher running at most concurrency hashes at once
// (0 means the number of CPUs).
func NewHasher(p Params, concurrency int) *Hasher {
	if concurrency <= 0 {
		concurrency = runtime.NumCPU()
	}
	h := &Hasher{params: p, slots: make(chan struct{}, concurrency), maxWait: maxQueueWait}
	// The stand-in for an unknown account's hash needs the right parameters
	// only: Verify derives a key from it at the same cost and compares it
	// with 32 zero bytes, which no derived key is. Deriving a real one here
	// held 19 MiB from start-up (issue 25: idle RSS).
	h.dummy = h.format(make([]byte, 16), make([]byte, 32))
	return h
}

// ValidatePassword checks the length rule; any characters are allowed.
func ValidatePassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLen)
	}
	return ""
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(h.maxWait)
	defer wait.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
	case <-wait.C:
	}
	return apperr.New(apperr.Unavailable, "The server is busy. Please try again in a moment.")
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the encoded argon2id hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	return h.encode(salt, []byte(pw)), nil
}

func (h *Hasher) encode(salt, pw []byte) string {
	p := h.params
	return h.format(salt, argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, 32))
}

// format writes salt and key in the PHC string format with h's parameters.
func (h *Hasher) format(salt, key []byte) string {
	p := h.params
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches encoded. An empty encoded hash (an
// unknown account) still costs one hash, so both answers take the same time.
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (bool, error) {
	if encoded == "" {
		encoded = h.dummy
		pw += "\x00never"
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("auth: unknown hash format")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash params: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash key: %w", err)
	}
	return p, salt, key, nil
}
