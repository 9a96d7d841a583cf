// Package health watches the server's storage and its agencies' databases
// and decides what a storage fault means (README "When storage fails"):
// the free space of the data directory against a reserve, a volume that
// takes no writes, an agency database that vanished, and agencies whose
// database is damaged or failed a migration (degraded, in the control
// database). It turns storage errors into the answers people get (507 for
// a full disk, 503 otherwise), refuses degraded agencies at the pool, and
// emails the operator once per incident: when it starts and when it ends.
package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/metrics"
)

// DefaultInterval is how often Run checks the storage.
const DefaultInterval = 15 * time.Second

// probeName is the file a check writes and removes to learn whether a
// volume takes writes: a read-only bind mount or a volume the kernel
// remounted read-only after errors does not always say so in statfs.
const probeName = ".mintedmind-write-probe"

// Config is what the monitor watches and whom it tells.
type Config struct {
	DataDir    string
	ControlDir string // where control.db lives; empty: DataDir
	Reserve    Reserve
	Interval   time.Duration // between checks; 0: DefaultInterval
	AlertTo    []string      // who gets the alerts; empty: every platform operator
	BaseURL    string        // of the console links in alerts
}

// Alerter sends an email at once, past the outbox (mail.Mailer.SendNow).
type Alerter interface {
	SendNow(ctx context.Context, to, template string, data any) error
}

// Monitor is the storage's and the agencies' health. Its methods are safe
// on a nil *Monitor, which watches nothing and only translates errors.
type Monitor struct {
	cfg     Config
	control *control.Store
	pool    *tenant.Pool
	mail    Alerter
	clock   clock.Clock
	log     *slog.Logger

	mu        sync.Mutex
	status    Status
	low       bool            // a low-space incident is open
	full      bool            // a write failed for want of space since the last recovery
	incidents map[string]bool // open incidents by key, each emailed once when opened and once when closed
	degraded  map[string]*control.AgencyHealth
	recorded  map[string]bool   // degraded agencies the control database knows of
	names     map[string]string // agency id → name, for the degraded page

	alerts  chan alert
	pending sync.WaitGroup // alerts queued and not yet delivered
	kick    chan struct{}  // a fault asks for a check now
}

// Status is the storage's state at the last check.
type Status struct {
	CheckedAt  time.Time
	Volumes    []Volume
	Low        bool     // free space is below the reserve (or a write found the disk full)
	Unwritable bool     // a volume takes no writes
	Missing    []string // agencies whose database file vanished
	Degraded   []*control.AgencyHealth
}

// Volume is one watched directory's filesystem.
type Volume struct {
	Name       string // data, control
	Path       string
	Free, Size uint64 // bytes
	Reserve    uint64 // bytes
	ReadOnly   bool
	Err        string // statfs or the write probe failed
}

// New returns a monitor over the data directory and the pool, checks the
// storage once, and loads the degraded agencies, which the pool refuses
// from now on. Run it for periodic checks and alert delivery.
func New(ctx context.Context, cfg Config, ctl *control.Store, pool *tenant.Pool, mail Alerter, c clock.Clock, log *slog.Logger) (*Monitor, error) {
	if cfg.ControlDir == "" {
		cfg.ControlDir = cfg.DataDir
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if c == nil {
		c = clock.System{}
	}
	m := &Monitor{cfg: cfg, control: ctl, pool: pool, mail: mail, clock: c, log: log,
		incidents: map[string]bool{}, degraded: map[string]*control.AgencyHealth{}, recorded: map[string]bool{}, names: map[string]string{},
		alerts: make(chan alert, 256), kick: make(chan struct{}, 1)}
	if err := m.loadDegraded(ctx); err != nil {
		return nil, err
	}
	if pool != nil {
		pool.SetFaultHandler(func(agencyID string, err error) { m.openFault(agencyID, err) })
	}
	m.Check(ctx)
	return m, nil
}

// Run checks the storage every interval (and at once when a write fails
// for a storage reason) and delivers the alerts, until ctx ends.
func (m *Monitor) Run(ctx context.Context) {
	if m == nil {
		return
	}
	done := make(chan struct{})
	go func() { defer close(done); m.deliver(ctx) }()
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-t.C:
		case <-m.kick:
		}
		m.Check(ctx)
	}
}

// Check looks at every volume and the pool now, opens and closes
// incidents (each emailed once), and returns the new status.
func (m *Monitor) Check(ctx context.Context) Status {
	if m == nil {
		return Status{}
	}
	vols := []Volume{m.volume(ctx, "data", m.cfg.DataDir)}
	if !sameDir(m.cfg.ControlDir, m.cfg.DataDir) {
		vols = append(vols, m.volume(ctx, "control", m.cfg.ControlDir))
	}
	var missing []string
	if m.pool != nil {
		missing = m.pool.MissingAgencies()
	}
	if err := m.refreshDegraded(ctx); err != nil {
		m.log.Warn("health: read degraded agencies", "err", err)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	low, unwritable := false, false
	recovered := true
	for _, v := range vols {
		if v.Size > 0 {
			if v.Free < v.Reserve {
				low = true
			}
			if v.Free < v.Reserve+margin(v.Reserve) {
				recovered = false
			}
		}
		if v.ReadOnly {
			unwritable = true
		}
		metrics.StorageVolume(v.Name, v.Free, v.Size, v.Reserve, v.ReadOnly)
	}
	if m.full && !recovered {
		low = true
	}
	if m.low && !recovered {
		low = true // until free space is clearly back above the reserve
	}
	if !low {
		m.full = false
	}
	m.low = low
	m.status = Status{CheckedAt: m.clock.Now(), Volumes: vols, Low: low, Unwritable: unwritable, Missing: missing, Degraded: m.degradedListLocked()}
	metrics.StorageLow(low)
	metrics.AgenciesDegraded(len(m.degraded))

	m.incidentLocked("storage-low", low, func(open bool) alert { return m.lowAlert(open, vols) })
	m.incidentLocked("storage-unwritable", unwritable, func(open bool) alert { return m.unwritableAlert(open, vols) })
	open := map[string]bool{}
	for _, id := range missing {
		open["agency-missing:"+id] = true
	}
	for key := range m.incidents {
		if len(key) > len("agency-missing:") && key[:len("agency-missing:")] == "agency-missing:" && !open[key] {
			id := key[len("agency-missing:"):]
			m.incidentLocked(key, false, func(o bool) alert { return m.missingAlert(o, id) })
		}
	}
	for _, id := range missing {
		m.incidentLocked("agency-missing:"+id, true, func(o bool) alert { return m.missingAlert(o, id) })
	}
	return m.status
}

// incidentLocked opens or closes the incident key and queues its email
// when that changes it.
func (m *Monitor) incidentLocked(key string, open bool, mk func(open bool) alert) {
	if m.incidents[key] == open {
		return
	}
	if open {
		m.incidents[key] = true
		m.log.Error("health: incident", "incident", key)
	} else {
		delete(m.incidents, key)
		m.log.Info("health: incident over", "incident", key)
	}
	m.queueLocked(mk(open))
}

// Status returns the state found by the last check.
func (m *Monitor) Status() Status {
	if m == nil {
		return Status{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// volume measures one directory's filesystem and tries a write on it.
func (m *Monitor) volume(ctx context.Context, name, dir string) Volume {
	v := Volume{Name: name, Path: dir}
	free, size, ro, err := statfs(dir)
	if err != nil {
		v.Err = err.Error()
		if errors.Is(err, os.ErrNotExist) {
			v.ReadOnly = true // the directory is gone: nothing can be written there
		}
		return v
	}
	v.Free, v.Size, v.ReadOnly = free, size, ro
	v.Reserve = m.cfg.Reserve.For(size)
	if !ro {
		if err := probe(dir); err != nil {
			switch db.FaultOf(err) {
			case db.Full:
				// No room for even the probe: the free-space check says so.
			default:
				v.ReadOnly, v.Err = true, err.Error()
			}
		}
	}
	return v
}

// probe writes and removes a small file in dir.
func probe(dir string) error {
	p := filepath.Join(dir, probeName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString("ok\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(p); err == nil && rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = rerr
	}
	return err
}

func sameDir(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// askCheck asks Run for a check now (a write just failed).
func (m *Monitor) askCheck() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// String describes a volume for alerts and logs.
func (v Volume) String() string {
	if v.Size == 0 {
		return fmt.Sprintf("%s (%s): %s", v.Name, v.Path, v.Err)
	}
	s := fmt.Sprintf("%s (%s): %s free of %s, reserve %s", v.Name, v.Path, byteSize(v.Free), byteSize(v.Size), byteSize(v.Reserve))
	if v.ReadOnly {
		s += ", takes no writes"
		if v.Err != "" {
			s += " (" + v.Err + ")"
		}
	}
	return s
}

// byteSize is n in the largest binary unit that keeps a digit before the point.
func byteSize(n uint64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
