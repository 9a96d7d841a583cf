package db

// GroupQueued counts the writes waiting in d's group-commit queue.
func GroupQueued(d *DB) int {
	g := d.groupQueue()
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// Rebind is rebind, for its tests.
var Rebind = rebind
