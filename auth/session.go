package auth

import "time"

// Session is a signed-in browser: an agency user's (in the agency's
// database) or a platform operator's (in the control database). Only the
// hash of its token is stored.
type Session struct {
	ID         string
	UserID     string // the user's or the operator's id
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// SessionTimeouts bound a session's life: Idle since the last request,
// Absolute since sign-in.
type SessionTimeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}
