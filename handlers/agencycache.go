package handlers

import (
	"context"
	"strings"
	"sync"
	"time"

	"mintedmind/clock"
	"mintedmind/db/control"
)

// agencyCacheTTL is how long a looked-up agency is reused. Every agency
// page needs its row; a status change (suspension, archival) takes effect
// within this time.
const agencyCacheTTL = 2 * time.Second

// agencyCache keeps recently used agencies by slug, so that a busy agency's
// requests do not each query the control database for the same row.
type agencyCache struct {
	clock  clock.Clock
	mu     sync.Mutex
	bySlug map[string]cachedAgency
}

type cachedAgency struct {
	agency  *control.Agency
	fetched time.Time
}

func newAgencyCache(c clock.Clock) *agencyCache {
	return &agencyCache{clock: c, bySlug: map[string]cachedAgency{}}
}

// get returns the agency with slug, from the cache while it is fresh.
// Unknown slugs are not cached: a new sign-up is found at once.
func (ac *agencyCache) get(ctx context.Context, control *control.Store, slug string) (*control.Agency, error) {
	now := ac.clock.Now()
	ac.mu.Lock()
	hit, ok := ac.bySlug[slug]
	ac.mu.Unlock()
	if ok && now.Sub(hit.fetched) < agencyCacheTTL && now.Sub(hit.fetched) >= 0 {
		return hit.agency, nil
	}
	a, err := control.AgencyBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	ac.mu.Lock()
	if len(ac.bySlug) >= 10000 {
		ac.bySlug = map[string]cachedAgency{}
	}
	// Fiber's parameters point into the request buffer, which is reused:
	// a key kept beyond the request must be a copy.
	ac.bySlug[strings.Clone(slug)] = cachedAgency{agency: a, fetched: now}
	ac.mu.Unlock()
	return a, nil
}
