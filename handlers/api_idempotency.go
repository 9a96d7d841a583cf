package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
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
	if up, ok := c.Locals("uploadStream").(*uploadStream); ok && up.err == nil {
		return h.apiIdempotentUpload(c, r, key, up)
	}
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
	return h.answerOnce(c, r, key, func() (string, bool) { return "", c.Response().StatusCode() < 500 })
}

// answerOnce runs the handler of the request that reserved key and keeps
// its answer, with the request's hash when finish gives one, if finish
// says to; else the key is released, so that a retry runs again.
func (h *Handlers) answerOnce(c *fiber.Ctx, r *Request, key string, finish func() (hash string, keep bool)) error {
	ctx := c.UserContext()
	if err := c.Next(); err != nil {
		if herr := h.handleError(c, err); herr != nil {
			_ = r.Tenant.ReleaseIdempotencyKey(ctx, r.Token.ID, key)
			return herr
		}
	}
	res := c.Response()
	hash, keep := finish()
	if !keep {
		return r.Tenant.ReleaseIdempotencyKey(ctx, r.Token.ID, key)
	}
	var headers []string
	for _, name := range idempotentHeaders {
		if v := string(res.Header.Peek(name)); v != "" {
			headers = append(headers, name+": "+v)
		}
	}
	a := tenant.IdempotentAnswer{RequestHash: hash, Status: res.StatusCode(), ContentType: string(res.Header.ContentType()),
		Headers: strings.Join(headers, "\n"), Body: append([]byte(nil), res.Body()...)}
	if err := r.Tenant.FinishIdempotencyKey(ctx, r.Token.ID, key, a); err != nil {
		h.logger(c).Error("store idempotent answer", "err", err, "agency", r.Agency.ID)
	}
	return nil
}

// apiIdempotentUpload is apiIdempotency for a streamed upload, whose body
// is never held whole: it is hashed as it is read (uploadStream.sum: its
// parts, not the boundary a client makes anew for each try). The key is
// reserved before the body is read, and the hash stored with the answer.
// A repeat reads its own body into its hash (and nowhere else), then
// waits for the first answer and replays it, or refuses another body with
// the key (422). Only a stored upload's answer is kept: a refused one
// changed nothing and left its body partly unread, so its key is released
// and may be sent again.
func (h *Handlers) apiIdempotentUpload(c *fiber.Ctx, r *Request, key string, up *uploadStream) error {
	ctx := c.UserContext()
	hash := func() string {
		sum := sha256.Sum256([]byte(c.Method() + " " + c.Path() + "\nmultipart/form-data\n" + up.digest()))
		return hex.EncodeToString(sum[:])
	}
	prior, err := r.Tenant.ReserveIdempotencyKey(ctx, r.Token.ID, key, "")
	if err != nil {
		return err
	}
	if prior == nil {
		return h.answerOnce(c, r, key, func() (string, bool) {
			status := c.Response().StatusCode()
			return hash(), status >= 200 && status < 300
		})
	}
	if err := up.readAll(int64(app.MaxUploadFiles)*h.files.MaxSize() + multipartOverhead); err != nil {
		c.Context().SetConnectionClose()
		return err
	}
	drainBody(c)
	mine := hash()
	deadline := h.Clock.Now().Add(idempotencyWait)
	for {
		switch {
		case prior == nil:
			return apperr.New(apperr.Conflict, "The first request with this Idempotency-Key was refused, so nothing was kept for it. Send this one again.")
		case prior.RequestHash != "" && prior.RequestHash != mine:
			return apperr.New(apperr.Invalid, "This Idempotency-Key was used with a different request. Use a new key for a new request.")
		case prior.Status != 0:
			return replayAnswer(c, prior)
		case !h.Clock.Now().Before(deadline):
			return apperr.New(apperr.Conflict, "The first request with this Idempotency-Key is still being answered. Try again shortly.")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(idempotencyPoll):
		}
		if prior, err = r.Tenant.IdempotencyAnswer(ctx, r.Token.ID, key); err != nil {
			return err
		}
	}
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
