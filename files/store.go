// Package files keeps the documents people upload: streamed to a temporary
// file in the agency's files directory, checked (type sniffed from the
// bytes, size, SHA-256, images decoded once for a thumbnail), synced and
// renamed into place under a name the server makes. The database row comes
// after the rename, so that a failure at any point leaves at worst a file
// without a row, which Sweep removes later; never a row without a file.
package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
)

// Defaults of Config.
const (
	DefaultMaxSize  = 25 << 20
	DefaultDecoders = 2
)

// TempPrefix starts the name of every file still being written.
const TempPrefix = "tmp-"

// thumbSuffix ends a thumbnail's name: <key>.thumb.jpg.
const thumbSuffix = ".thumb.jpg"

// keyPattern is what a stored file's name looks like; Open refuses anything
// else, so that a key can never point outside the directory.
var keyPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.thumb\.jpg)?$`)

// Config sets the store's limits.
type Config struct {
	MaxSize  int64 // largest file in bytes
	Decoders int   // images decoded at once; each may take up to maxDecodeBytes of memory
}

// Store writes, checks and reads agencies' files. It holds no paths of its
// own: every call names the agency's files directory.
type Store struct {
	maxSize  int64
	decoders chan struct{}
	bufs     sync.Pool
}

// NewStore returns a store with cfg's limits (zero values take the defaults).
func NewStore(cfg Config) *Store {
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.Decoders <= 0 {
		cfg.Decoders = DefaultDecoders
	}
	return &Store{maxSize: cfg.MaxSize, decoders: make(chan struct{}, cfg.Decoders),
		bufs: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
}

// MaxSize is the largest file the store takes, in bytes.
func (s *Store) MaxSize() int64 { return s.maxSize }

// Staged is a file written and checked under a temporary name, waiting for
// Commit (or Discard). Its fields are what the database records.
type Staged struct {
	Name        string // display name, cleaned
	ContentType string
	Size        int64
	SHA256      string // hex
	Key         string // the file's name once committed
	ThumbKey    string // the thumbnail's name, "" when there is none
	Width       int    // pixels, as shown (EXIF orientation applied); 0 when unknown
	Height      int
	Pages       int // of a PDF, 0 when unknown
	// Active is what a PDF carries that a viewer may run or open (scripts,
	// launch actions, embedded files): such a PDF is never shown inline.
	Active ActiveContent

	dir, tmp, thumbTmp string
	committed          bool
}

// Stage streams r into a temporary file in dir and checks it: at most the
// store's MaxSize bytes, not empty, an accepted type by its bytes, a PDF
// with its end marker (and what active content it carries, see
// ActiveContent), an image of sane pixel dimensions that decodes whole
// (its thumbnail is made now, once). name is the uploader's file name,
// used for display and messages only: cleaned by NameFor, so that it ends
// with an extension of the type the bytes are. On any error nothing is left
// on disk. The file is synced before Stage returns.
func (s *Store) Stage(ctx context.Context, dir, name string, r io.Reader) (_ *Staged, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("files: create %s: %w", dir, err)
	}
	key := uuid.NewString()
	st := &Staged{Key: key, dir: dir, tmp: filepath.Join(dir, TempPrefix+key)}
	f, err := os.OpenFile(st.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("files: create temporary file: %w", err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			st.Discard()
		}
	}()

	hash := sha256.New()
	insp := &inspector{}
	bp := s.bufs.Get().(*[]byte)
	fw := &fileWriter{f: f}
	n, err := io.CopyBuffer(io.MultiWriter(fw, hash, insp), io.LimitReader(r, s.maxSize+1), *bp)
	s.bufs.Put(bp)
	display := CleanName(name, "")
	if fw.err != nil {
		// The disk's fault (full, read-only), not the upload's: the error
		// keeps its cause, which decides the answer (a full disk is 507).
		return nil, fmt.Errorf("files: write %s: %w", st.tmp, fw.err)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, &ReadError{Err: err}
	}
	if n > s.maxSize {
		return nil, apperr.New(apperr.TooLarge, "%q is larger than the %s a file may be; nothing was saved.", display, ByteSize(s.maxSize))
	}
	if n == 0 {
		return nil, apperr.New(apperr.Invalid, "%q is empty (0 bytes); nothing was saved.", display)
	}
	ct, looks := Sniff(insp.head)
	if ct == "" {
		return nil, apperr.New(apperr.Invalid, "%q looks like %s, not a PDF, JPEG, PNG, WebP or HEIC photo; nothing was saved.", display, looks)
	}
	st.Name, st.ContentType, st.Size, st.SHA256 = NameFor(name, ct), ct, n, hex.EncodeToString(hash.Sum(nil))
	switch ct {
	case TypePDF:
		if !bytes.Contains(insp.tail, []byte("%%EOF")) {
			return nil, apperr.New(apperr.Invalid, "%q looks cut off or damaged (a PDF ends with an end-of-file marker, and this one doesn't); nothing was saved.", st.Name)
		}
		st.Pages = insp.pages.finish()
		st.Active = insp.active.finish()
	case TypeJPEG, TypePNG, TypeWebP:
		if err := s.checkImage(ctx, st, insp.head); err != nil {
			return nil, err
		}
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("files: sync %s: %w", st.tmp, err)
	}
	if err := f.Close(); err != nil {
		f = nil
		return nil, fmt.Errorf("files: close %s: %w", st.tmp, err)
	}
	f = nil
	return st, nil
}

// fileWriter is the staged file, remembering a failed write: an error of
// the copy is then the disk's, not the upload's.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// ReadError is a failure to read the upload itself: the sender went away or
// sent a broken request. Nothing was stored.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "files: reading the upload: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// Commit renames the staged file (and thumbnail) into place and syncs the
// directory, so that the names survive a crash.
func (st *Staged) Commit() error {
	if err := os.Rename(st.tmp, filepath.Join(st.dir, st.Key)); err != nil {
		return fmt.Errorf("files: rename into place: %w", err)
	}
	st.committed = true
	if st.thumbTmp != "" {
		if err := os.Rename(st.thumbTmp, filepath.Join(st.dir, st.ThumbKey)); err != nil {
			return fmt.Errorf("files: rename thumbnail into place: %w", err)
		}
	}
	return syncDir(st.dir)
}

// Discard removes whatever the staged file left on disk, committed or not:
// the caller calls it when the database row could not be written.
func (st *Staged) Discard() {
	for _, p := range []string{st.tmp, st.thumbTmp} {
		if p != "" {
			os.Remove(p)
		}
	}
	if st.committed {
		Remove(st.dir, st.Key, st.ThumbKey)
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("files: sync %s: %w", dir, err)
	}
	return nil
}

// Open opens a stored file (or thumbnail) by key for reading.
func Open(dir, key string) (*os.File, error) {
	if !keyPattern.MatchString(key) {
		return nil, fmt.Errorf("files: %q is not a stored file's name", key)
	}
	return os.Open(filepath.Join(dir, key))
}

// Remove deletes stored files by key; empty keys and files already gone are
// skipped.
func Remove(dir string, keys ...string) error {
	var errs []error
	for _, k := range keys {
		if k == "" || !keyPattern.MatchString(k) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, k)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Sweep removes leftovers from dir that were last written before cutoff:
// temporary files of uploads that never finished, and stored files for
// which known reports no database row (a crash between the rename and the
// row, or a purge that deleted the row but not yet the file). It returns
// how many files it removed. Files newer than cutoff are left alone: they
// may belong to an upload in progress.
func Sweep(dir string, known func(key string) bool, cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("files: list %s: %w", dir, err)
	}
	removed := 0
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		leftover := strings.HasPrefix(name, TempPrefix) || (keyPattern.MatchString(name) && !known(name))
		if !leftover {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// ByteSize writes a size for people: 25 MiB, 1.5 GiB, 300 KiB, 12 bytes.
func ByteSize(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%d bytes", n)
	case f == float64(int64(f)) || f >= 100:
		return fmt.Sprintf("%.0f %s", f, units[i])
	default:
		return fmt.Sprintf("%.1f %s", f, units[i])
	}
}

// inspector sees every byte of an upload once as it is written: it keeps
// the head (for sniffing and EXIF) and the tail (for a PDF's end marker),
// and counts PDF pages.
type inspector struct {
	head   []byte
	tail   []byte
	pages  pageCounter
	active activeScanner
	isPDF  bool
	n      int64 // bytes written so far
}

const (
	headKeep = 128 << 10 // enough for a JPEG's EXIF segment
	tailKeep = 1024      // a PDF's %%EOF must be in its last 1024 bytes
)

func (in *inspector) Write(b []byte) (int, error) {
	if len(in.head) < headKeep {
		in.head = append(in.head, b[:min(len(b), headKeep-len(in.head))]...)
		if !in.isPDF && bytes.HasPrefix(in.head, []byte("%PDF-")) {
			// The first writes may have been shorter than the marker:
			// the PDF's checks start from its first byte all the same.
			in.isPDF = true
			in.pages.write(in.head[:in.n])
			in.active.write(in.head[:in.n])
		}
	}
	in.n += int64(len(b))
	if len(b) >= tailKeep {
		in.tail = append(in.tail[:0], b[len(b)-tailKeep:]...)
	} else {
		in.tail = append(in.tail, b...)
		if over := len(in.tail) - tailKeep; over > 0 {
			in.tail = append(in.tail[:0], in.tail[over:]...)
		}
	}
	if in.isPDF {
		in.pages.write(b)
		in.active.write(b)
	}
	return len(b), nil
}
