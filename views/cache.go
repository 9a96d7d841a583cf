package views

import (
	"html/template"
	"sync"
)

// Cache keeps the rendered markup of one partial by the view model it was
// rendered with. The view model is the key: a struct of plain comparable
// values holding everything the partial shows, so an edit to anything shown
// (a case's title, its client's name, its assignee's name, today's date
// for "overdue") is a different key and is rendered afresh; an entry can be
// unused but never stale. This is fragment caching by version, as Rails
// does for Basecamp, with the whole row as its version.
//
// It holds at most about 2×max entries in two generations: when the newer
// one is full it becomes the older and a new one starts, so entries used
// recently survive and the rest fall away without a list to maintain.
type Cache[K comparable] struct {
	set  *Set
	name string
	max  int

	mu    sync.Mutex
	fresh map[K]template.HTML
	older map[K]template.HTML
}

// NewCache returns a cache of partial name from set, keeping about max
// entries (at least one).
func NewCache[K comparable](set *Set, name string, max int) *Cache[K] {
	if max < 1 {
		max = 1
	}
	return &Cache[K]{set: set, name: name, max: max, fresh: make(map[K]template.HTML, max)}
}

// Render returns the partial executed with model, rendering it only when
// the same model was not rendered recently.
func (c *Cache[K]) Render(model K) (template.HTML, error) {
	return c.RenderFunc(model, func() any { return model })
}

// RenderFunc is Render for a partial whose view model is not comparable
// (it holds a list): key is a comparable summary of it, and model builds
// the view model from key alone, so that equal keys always render the same
// markup. model runs only when key was not rendered recently.
func (c *Cache[K]) RenderFunc(key K, model func() any) (template.HTML, error) {
	c.mu.Lock()
	out, ok := c.fresh[key]
	if !ok {
		if out, ok = c.older[key]; ok {
			c.putLocked(key, out)
		}
	}
	c.mu.Unlock()
	if ok {
		return out, nil
	}
	out, err := c.set.Render(c.name, model())
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.putLocked(key, out)
	c.mu.Unlock()
	return out, nil
}

func (c *Cache[K]) putLocked(model K, out template.HTML) {
	if len(c.fresh) >= c.max {
		c.older, c.fresh = c.fresh, make(map[K]template.HTML, c.max)
	}
	c.fresh[model] = out
}

// Len is how many entries the cache holds, for tests.
func (c *Cache[K]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.fresh) + len(c.older)
}
