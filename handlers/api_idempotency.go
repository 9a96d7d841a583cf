package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// How long a repeat of a POST whose first request is still running waits
// for that answer before it is told to try again.
const (
	idempotencyWait   = 10 * time.Second
	idempotencyPoll   = 20 * time.Millisecond
	maxIdempotencyKey = 255
)

// idempotentHeaders are the answer's headers a replay repeats.
var idempotentHeaders = []string{fiber.HeaderLocation, fiber.HeaderETag}

// apiIdempotency makes every POST of the API safe to repeat: with an
// Idempotency-Key, the first request's answer is stored in the agency's
// database and a repeat gets it again without running the handler; the
// same key with another body is 422. Concurrent repeats wait for the first
// one's answer, so ten identical POSTs at once make one object.
func (h *Handlers) apiIdempotency(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	if c.Method() != fiber.MethodPost || key == "" {
		return c.Next()
	}
	if len(key) > maxIdempotencyKey {
		return apperr.FieldErrors(map[string]string{"Idempotency-Key": "Use a key of at most 255 characters, such as a UUID."})
	}
	r := stateOf(c).req
	ctx := c.UserContext()
	sum := sha256.New()
	sum.Write([]byte(c.Method() + " " + c.Path() + "\n" + c.Get(fiber.HeaderContentType) + "\n"))
	sum.Write(c.Body())
	hash := hex.EncodeToString(sum.Sum(nil))
	deadline := h.Clock.Now().Add(idempotencyWait)
	for {
		prior, err := r.Tenant.ReserveIdempotencyKey(ctx, r.Token.ID, key, hash)
		if err != nil {
			return err
		}
		if prior == nil {
			break // this request runs and its answer is kept
		}
		if prior.RequestHash != hash {
			return apperr.New(apperr.Invalid, "This Idempotency-Key was used with a different request. Use a new key for a new request.")
		}
		if prior.Status != 0 {
			return replayAnswer(c, prior)
		}
		if !h.Clock.Now().Before(deadline) {
			return apperr.New(apperr.Conflict, "The first request with this Idempotency-Key is still being answered. Try again shortly.")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(idempotencyPoll):
		}
	}
	if err := c.Next(); err != nil {
		if herr := h.handleError(c, err); herr != nil {
			_ = r.Tenant.ReleaseIdempotencyKey(ctx, r.Token.ID, key)
			return herr
		}
	}
	res := c.Response()
	if res.StatusCode() >= 500 {
		return r.Tenant.ReleaseIdempotencyKey(ctx, r.Token.ID, key)
	}
	var headers []string
	for _, name := range idempotentHeaders {
		if v := string(res.Header.Peek(name)); v != "" {
			headers = append(headers, name+": "+v)
		}
	}
	a := tenant.IdempotentAnswer{Status: res.StatusCode(), ContentType: string(res.Header.ContentType()),
		Headers: strings.Join(headers, "\n"), Body: append([]byte(nil), res.Body()...)}
	if err := r.Tenant.FinishIdempotencyKey(ctx, r.Token.ID, key, a); err != nil {
		h.logger(c).Error("store idempotent answer", "err", err, "agency", r.Agency.ID)
	}
	return nil
}

// replayAnswer sends a stored first answer again, marked as a replay.
func replayAnswer(c *fiber.Ctx, a *tenant.IdempotentAnswer) error {
	for _, line := range strings.Split(a.Headers, "\n") {
		if name, value, ok := strings.Cut(line, ": "); ok {
			c.Set(name, value)
		}
	}
	c.Set("Idempotent-Replayed", "true")
	c.Set(fiber.HeaderContentType, a.ContentType)
	return c.Status(a.Status).Send(a.Body)
}
