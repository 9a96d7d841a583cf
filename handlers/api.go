package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// DefaultAPILimit is how many requests one API token may make per window
// when Config.APILimit is not set.
var DefaultAPILimit = Limit{Max: 600, Window: time.Minute}

// apiLimit is the per-token rate limit in force.
func (h *Handlers) apiLimit() Limit {
	if h.Config.APILimit.Max > 0 && h.Config.APILimit.Window > 0 {
		return h.Config.APILimit
	}
	return DefaultAPILimit
}

// apiActorName is how the audit log and case history name what a token
// did: its creator, through the token, so that every use is attributable.
func apiActorName(r *Request) string {
	return fmt.Sprintf("%s via API token “%s” (…%s)", r.User.Name, r.Token.Name, r.Token.Hint)
}

// bearerToken is the secret of an "Authorization: Bearer …" header.
func bearerToken(c *fiber.Ctx) string {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// errNoToken answers an API request without a usable token.
func errNoToken(msg string) error { return apperr.New(apperr.Unauthorized, "%s", msg) }

// loadAPIToken is the guard of every APIToken row: the token's secret
// names its agency, whose database alone is asked about it; the token must
// be live and hold the row's scope, and within its rate limit. The
// handler then runs as the token's creator, with the token in the
// Request. No cookie is read, so a session never authorises an API call
// and a token never authorises a page (or the operator console).
func (p *Platform) loadAPIToken(c *fiber.Ctx) error {
	h := p.Handlers
	c.Set(fiber.HeaderCacheControl, "no-store")
	secret := bearerToken(c)
	if secret == "" {
		return errNoToken("Send an API token as \"Authorization: Bearer <token>\".")
	}
	agencyID := tenant.AgencyOfAPIToken(secret)
	if agencyID == "" {
		return errNoToken("The API token is not valid.")
	}
	a, err := h.Control.AgencyByID(c.UserContext(), agencyID)
	if apperr.Is(err, apperr.NotFound) || (err == nil && a.Status == control.AgencyDeleted) {
		return errNoToken("The API token is not valid.")
	}
	if err != nil {
		return err
	}
	if a.Status == control.AgencyArchived {
		return apperr.New(apperr.Forbidden, "%s's account is archived. Contact the platform operator to restore it.", a.Name)
	}
	if elsewhere, err := p.placeAgency(c, a); elsewhere {
		return err
	}
	t, release, err := p.pool.Acquire(c.UserContext(), a.ID)
	if err != nil {
		return p.monitor.Report(c.UserContext(), a.ID, err)
	}
	defer release()
	k, u, err := t.APITokenBySecret(c.UserContext(), secret)
	if err != nil {
		return err
	}
	if err := h.apiRateLimit(c, k); err != nil {
		return err
	}
	if now := h.Clock.Now(); now.Sub(k.LastUsedAt) >= touchEvery || k.LastUsedIP != c.IP() {
		if err := t.TouchAPIToken(c.UserContext(), k.ID, c.IP()); err != nil {
			h.logger(c).Warn("touch api token", "err", err, "agency", a.ID)
		}
	}
	st := stateOf(c)
	st.req = &Request{Agency: a, Tenant: t, User: u, Token: k}
	defer func() { st.req.Tenant = nil }()
	if scope := st.route.Scope; !k.Allows(scope) {
		return apperr.New(apperr.Forbidden, "This token may not do that: it needs the %q scope.", scope)
	}
	if err := h.refuseSuspendedWrite(c); err != nil {
		return err
	}
	return c.Next()
}

// apiRateLimit counts one request of token k and says where it stands in
// the RateLimit headers (draft-ietf-httpapi-ratelimit-headers); past the
// limit the request is refused with 429 and Retry-After.
func (h *Handlers) apiRateLimit(c *fiber.Ctx, k *tenant.APIToken) error {
	l := h.apiLimit()
	remaining, reset, err := h.limiter.takeCounted(limitKey("api", k.ID), l)
	secs := max(int((reset+time.Second-1)/time.Second), 0)
	c.Set("RateLimit-Limit", strconv.Itoa(l.Max))
	c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(secs))
	c.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", l.Max, int(l.Window/time.Second)))
	if err != nil {
		e := apperr.New(apperr.TooMany, "This token made its %d requests of the last %s. Try again in %d seconds.", l.Max, l.Window, secs)
		e.RetryAfter = reset
		return e
	}
	return nil
}

// takeCounted counts one event for key within l and returns how many are
// left and when the window ends; past l.Max it counts nothing and returns
// a too-many error.
func (r *rateLimiter) takeCounted(key string, l Limit) (int, time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	w := r.current(key, l)
	if w == nil {
		w = &window{start: now, span: l.Window}
		r.counts[key] = w
	}
	reset := w.start.Add(l.Window).Sub(now)
	if w.n >= l.Max {
		return 0, reset, apperr.New(apperr.TooMany, "Too many requests.")
	}
	w.n++
	w.last = now
	r.sweep()
	return l.Max - w.n, reset, nil
}

// problemDetails is an error answer of the API (RFC 9457).
type problemDetails struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Code      string         `json:"code"`
	Errors    []problemField `json:"errors,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// problemField is one field's message in a problem's errors.
type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiFieldNames renames the stores' form field names to the API's.
var apiFieldNames = map[string]string{"responsible": "responsible_id"}

// problem writes err as problem details: the API's only error shape.
func (h *Handlers) problem(c *fiber.Ctx, status int, msg string, err error) error {
	code := apperr.CodeOf(err)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = strings.ReplaceAll(strings.ToLower(http.StatusText(fe.Code)), " ", "_")
		if fe.Code < 500 && fe.Message != "" && fe.Message != http.StatusText(fe.Code) {
			msg = fe.Message
		}
	}
	p := problemDetails{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Code: code, RequestID: requestIDOf(c)}
	for field, m := range apperr.FieldsOf(err) {
		if n, ok := apiFieldNames[field]; ok {
			field = n
		}
		p.Errors = append(p.Errors, problemField{Field: field, Message: m})
	}
	slices.SortFunc(p.Errors, func(a, b problemField) int { return strings.Compare(a.Field, b.Field) })
	if status == http.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
	}
	body, mErr := json.Marshal(p)
	if mErr != nil {
		return mErr
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Status(status).Send(body)
}

// errBadJSON is a body that cannot be read as the object asked for.
func errBadJSON(format string, args ...any) error {
	return fiber.NewError(fiber.StatusBadRequest, fmt.Sprintf(format, args...))
}

// decodeJSON reads the request's JSON object into dst: only JSON, only
// the fields dst has, one object.
func decodeJSON(c *fiber.Ctx, dst any) error {
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if mt != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send the body as application/json.")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
	case errors.As(err, &typeErr):
		return apperr.FieldErrors(map[string]string{typeErr.Field: "Must be a JSON " + jsonKind(typeErr.Type.String()) + "."})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.FieldErrors(map[string]string{field: "Not a field of this object."})
	case errors.As(err, &syntaxErr):
		return errBadJSON("The body is not valid JSON (at byte %d).", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return errBadJSON("The body is empty: send a JSON object.")
	default:
		return errBadJSON("The body is not a JSON object of this kind.")
	}
	if dec.More() {
		return errBadJSON("The body holds more than one JSON value.")
	}
	return nil
}

// jsonKind names a Go type as JSON calls it.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case strings.Contains(goType, "string"):
		return "string"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "number"
	case strings.Contains(goType, "bool"):
		return "boolean"
	}
	return "object"
}

// apiJSON answers with v as JSON and, when v is one object, its ETag.
func apiJSON(c *fiber.Ctx, status int, v any, etag bool) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if etag {
		tag := etagOf(body)
		c.Set(fiber.HeaderETag, tag)
		if status == fiber.StatusOK && c.Method() == fiber.MethodGet && c.Get(fiber.HeaderIfNoneMatch) == tag {
			return c.SendStatus(fiber.StatusNotModified)
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(status).Send(body)
}

// etagOf is the strong ETag of an object's JSON: it changes with every
// field of the answer, so If-Match catches a change made within the same
// second, too.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// checkIfMatch refuses a write whose If-Match names other ETags than
// current's (409, as the UI answers a stale form), and reports whether it
// named ETags at all: no If-Match writes over whatever is there, and "*"
// matches any existing version (RFC 9110 13.1.1), so neither names one.
func checkIfMatch(c *fiber.Ctx, current any) (bool, error) {
	want := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if want == "" || want == "*" {
		return false, nil
	}
	body, err := json.Marshal(current)
	if err != nil {
		return false, err
	}
	for _, tag := range strings.Split(want, ",") {
		if strings.TrimSpace(tag) == etagOf(body) {
			return true, nil
		}
	}
	return true, apperr.New(apperr.Conflict, "It was changed since you read it (If-Match does not match its ETag). Read it again and apply your change to what is there now.")
}

// apiPatchOf is how every PATCH of the API starts: its JSON body read into
// body, the object at :id read with load, and If-Match checked against the
// object as view writes it (409 when stale). It returns the object and the
// version the store's write is to check: the one read when If-Match named
// an ETag, so that a change between this read and the write is refused
// inside the write too; 0 for no If-Match or "*".
func apiPatchOf[T any](c *fiber.Ctx, body any, load func(id string) (T, error), view func(T) any, version func(T) int64) (T, int64, error) {
	var zero T
	if err := decodeJSON(c, body); err != nil {
		return zero, 0, err
	}
	old, err := load(c.Params("id"))
	if err != nil {
		return zero, 0, err
	}
	tagged, err := checkIfMatch(c, view(old))
	if err != nil || !tagged {
		return old, 0, err
	}
	return old, version(old), nil
}

// apiCreated answers a POST that made an object: 201, its Location, the
// object and its ETag.
func apiCreated(c *fiber.Ctx, location string, v any) error {
	c.Set(fiber.HeaderLocation, location)
	return apiJSON(c, fiber.StatusCreated, v, true)
}

// apiListQuery reads the paging and sync parameters every list takes.
func apiListQuery(c *fiber.Ctx) (tenant.APIList, error) {
	l := tenant.APIList{After: c.Query("cursor")}
	fields := map[string]string{}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fields["limit"] = "Must be a whole number."
		}
		l.Limit = n
	}
	if s := c.Query("updated_since"); s != "" {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			fields["updated_since"] = "Give a time as RFC 3339, for example 2026-01-31T09:00:00Z."
		}
		l.UpdatedSince = at
	}
	return l, apperr.FieldErrors(fields)
}

// apiPage is a page of a list: its objects and where the next page starts.
type apiPage[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// apiTime is a time as the API writes it: RFC 3339 in UTC, null when unset.
func apiTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// orEmpty is a list that is written as [] rather than null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
