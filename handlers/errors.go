package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/i18n"
	"mintedmind/metrics"
)

// statusOf maps an error code to its HTTP status.
var statusOf = map[string]int{
	apperr.NotFound:     http.StatusNotFound,
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.Conflict:     http.StatusConflict,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.TooMany:      http.StatusTooManyRequests,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
	apperr.Insufficient: http.StatusInsufficientStorage,
}

// errorView is the error page.
type errorView struct {
	Page
	Status    int
	Message   string
	RequestID string
}

// handleError is the one place where errors become responses: a full error
// page, or for htmx a toast that leaves the page as it is. Only internal
// errors are logged, with the request id that the page shows.
func (h *Handlers) handleError(c *fiber.Ctx, err error) error {
	err = h.storageError(c, err) // a full disk, read-only storage, a damaged agency: see storage.go
	status, msg := http.StatusInternalServerError, apperr.MessageOf(err)
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
		msg = fiberMessage(fe)
		if status == http.StatusRequestEntityTooLarge {
			msg = fmt.Sprintf("What you sent is larger than the %d MiB this server accepts.", h.Config.BodyLimit>>20)
		}
	default:
		status = statusOf[apperr.CodeOf(err)]
	}
	if status >= 500 && status != http.StatusServiceUnavailable && status != http.StatusInsufficientStorage {
		h.logger(c).Error("request failed", "err", err, "method", c.Method(), "path", c.Path())
	}
	setRetryAfter(c, err)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if r := stateOf(c).route; r != nil && r.Access == Callback {
		// A payment provider reads only "OK"; anything else is a refusal
		// it retries later.
		metrics.PaymentCallback("refused")
		if status < 500 {
			status = http.StatusBadRequest
		}
		return c.Status(status).SendString("Error")
	}
	if r := stateOf(c).route; r != nil && r.Access == APIToken {
		return h.problem(c, status, msg, err) // RFC 9457 problem details (api.go)
	}
	if isHTMX(c) {
		trigger, _ := json.Marshal(map[string]any{"toast": map[string]string{"level": "error", "message": i18n.T(langOf(c), msg)}})
		c.Set("HX-Trigger", string(trigger))
		c.Set("HX-Reswap", "none")
		return c.Status(status).SendString(msg)
	}
	c.Status(status)
	lang := langOf(c)
	renderErr := h.page(c, "pages/error", &errorView{Page: Page{Title: errorTitle(lang, status)}, Status: status, Message: i18n.T(lang, msg), RequestID: requestIDOf(c)})
	if renderErr != nil {
		h.logger(c).Error("render error page", "err", renderErr)
		return c.Status(status).SendString(msg)
	}
	return nil
}

func fiberMessage(fe *fiber.Error) string {
	switch fe.Code {
	case http.StatusNotFound:
		return "We couldn't find that page."
	case http.StatusRequestEntityTooLarge:
		return "What you sent is too large."
	case http.StatusMethodNotAllowed:
		return "That action isn't available here."
	case http.StatusBadRequest:
		return "The request could not be understood."
	}
	if fe.Code >= 500 && fe != errBusy {
		return apperr.MessageOf(errors.New(""))
	}
	return fe.Message
}

// setRetryAfter tells a client that was refused for too many requests when
// to come back.
func setRetryAfter(c *fiber.Ctx, err error) {
	if code := apperr.CodeOf(err); code == apperr.Unavailable && apperr.RetryAfterOf(err) > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(apperr.RetryAfterOf(err).Seconds()))))
		return
	} else if code != apperr.TooMany {
		return
	}
	secs := int(math.Ceil(apperr.RetryAfterOf(err).Seconds()))
	if secs <= 0 {
		secs = 60
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
}

// errorTitle is the error page's title for status in lang: the
// catalogue's error.status.<code>, else the standard English text.
func errorTitle(lang string, status int) string {
	id := "error.status." + strconv.Itoa(status)
	if s := i18n.T(lang, id); s != id {
		return s
	}
	return http.StatusText(status)
}
