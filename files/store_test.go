package files_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/files"
	"mintedmind/files/filestest"
)

// dirFiles lists the names in dir.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestStageAcceptsByContent(t *testing.T) {
	s := files.NewStore(files.Config{})
	for _, tc := range []struct {
		name, file, want string
		data             []byte
		thumb            bool
	}{
		{"pdf", "report.pdf", files.TypePDF, filestest.PDF(3, 0), false},
		{"jpeg named .png", "photo.png", files.TypeJPEG, filestest.Photo(64, 32, 0), true},
		{"png", "scan.png", files.TypePNG, filestest.PNG(50, 40), true},
		{"webp", "pic.webp", files.TypeWebP, filestest.WebP, true},
		{"heic", "IMG_0001.HEIC", files.TypeHEIC, filestest.HEIC, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := s.Stage(context.Background(), dir, tc.file, bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if st.ContentType != tc.want || st.Size != int64(len(tc.data)) || st.Name != tc.file || len(st.SHA256) != 64 {
				t.Fatalf("staged %+v", st)
			}
			if (st.ThumbKey != "") != tc.thumb {
				t.Fatalf("thumbnail %q, want one: %v", st.ThumbKey, tc.thumb)
			}
			if err := st.Commit(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, st.Key))
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Fatalf("stored bytes differ (%v)", err)
			}
			for _, n := range dirFiles(t, dir) {
				if strings.HasPrefix(n, files.TempPrefix) {
					t.Fatalf("temporary file %s left after commit", n)
				}
			}
		})
	}
}

func TestStageRefusesBadInput(t *testing.T) {
	s := files.NewStore(files.Config{MaxSize: 1 << 20})
	for _, tc := range []struct {
		name, file, code, msg string
		data                  []byte
	}{
		{"html renamed pdf", "invoice.pdf", apperr.Invalid, "web page (HTML)", filestest.HTMLAsPDF},
		{"exe renamed pdf", "invoice.pdf", apperr.Invalid, "Windows program", filestest.ExeAsPDF},
		{"svg with script", "logo.svg", apperr.Invalid, "SVG drawing", filestest.SVGScript},
		{"zero bytes", "empty.pdf", apperr.Invalid, "is empty", filestest.ZeroBytes},
		{"truncated jpeg", "cut.jpg", apperr.Invalid, "damaged or cut off", filestest.Truncated(filestest.Photo(400, 300, 0))},
		{"truncated pdf", "cut.pdf", apperr.Invalid, "cut off", filestest.Truncated(filestest.PDF(2, 0))},
		{"40000 x 40000 png", "huge.png", apperr.Invalid, "40000 × 40000 pixels", filestest.HugeHeader},
		{"over the size limit", "big.pdf", apperr.TooLarge, "larger than the 1 MiB", filestest.PDF(1, 2<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := s.Stage(context.Background(), dir, tc.file, bytes.NewReader(tc.data))
			if err == nil {
				t.Fatalf("staged %+v", st)
			}
			if apperr.CodeOf(err) != tc.code || !strings.Contains(apperr.MessageOf(err), tc.msg) {
				t.Fatalf("error %v, want %s containing %q", err, tc.code, tc.msg)
			}
			if left := dirFiles(t, dir); len(left) != 0 {
				t.Fatalf("files left behind: %v", left)
			}
		})
	}
}

// brokenReader gives some bytes, then fails like a dropped connection.
type brokenReader struct{ r io.Reader }

func (b *brokenReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestStageCutOffLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := files.NewStore(files.Config{}).Stage(context.Background(), dir, "a.pdf", &brokenReader{bytes.NewReader(filestest.PDF(1, 100000))})
	var re *files.ReadError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a ReadError", err)
	}
	if left := dirFiles(t, dir); len(left) != 0 {
		t.Fatalf("files left behind: %v", left)
	}
}

func TestPDFPages(t *testing.T) {
	for _, pages := range []int{1, 7, 40} {
		st, err := files.NewStore(files.Config{}).Stage(context.Background(), t.TempDir(), "a.pdf", bytes.NewReader(filestest.PDF(pages, 70000)))
		if err != nil {
			t.Fatal(err)
		}
		if st.Pages != pages {
			t.Errorf("pages %d, want %d", st.Pages, pages)
		}
	}
}

func TestThumbnailOrientation(t *testing.T) {
	// A 200 × 100 photo, red left and blue right, tagged "turn right" (6):
	// upright it is 100 × 200, red on top.
	s := files.NewStore(files.Config{})
	dir := t.TempDir()
	st, err := s.Stage(context.Background(), dir, "phone.jpg", bytes.NewReader(filestest.Photo(200, 100, 6)))
	if err != nil {
		t.Fatal(err)
	}
	if st.Width != 100 || st.Height != 200 {
		t.Fatalf("shown size %d × %d, want 100 × 200", st.Width, st.Height)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := files.Open(dir, st.ThumbKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 100 || b.Dy() != 200 {
		t.Fatalf("thumbnail %v, want 100 × 200", b)
	}
	top, bottom := img.At(50, 20), img.At(50, 180)
	if r, _, bl, _ := top.RGBA(); r < bl {
		t.Errorf("top of the upright thumbnail is not red: %v", top)
	}
	if r, _, bl, _ := bottom.RGBA(); bl < r {
		t.Errorf("bottom of the upright thumbnail is not blue: %v", bottom)
	}
}

func TestThumbnailIsSmall(t *testing.T) {
	img := files.Thumbnail(image.NewRGBA(image.Rect(0, 0, 4000, 1000)), 1)
	if b := img.Bounds(); b.Dx() != files.ThumbSize || b.Dy() != files.ThumbSize/4 {
		t.Fatalf("thumbnail %v", b)
	}
}

func TestOrientationReaders(t *testing.T) {
	if o := files.Orientation(filestest.Photo(8, 8, 8), files.TypeJPEG); o != 8 {
		t.Errorf("JPEG orientation %d, want 8", o)
	}
	if o := files.Orientation(filestest.Photo(8, 8, 0), files.TypeJPEG); o != 1 {
		t.Errorf("JPEG without EXIF: orientation %d, want 1", o)
	}
	if o := files.Orientation([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, files.TypeJPEG); o != 1 {
		t.Errorf("broken segment: orientation %d, want 1", o)
	}
}

func TestSniffHEIF(t *testing.T) {
	for brand, want := range map[string]string{"heic": files.TypeHEIC, "heix": files.TypeHEIC, "mif1": files.TypeHEIF, "avif": "", "isom": ""} {
		head := append([]byte("\x00\x00\x00\x14ftyp"+brand+"\x00\x00\x00\x00"), []byte(brand)...)
		head = append(head, make([]byte, 40)...)
		if got, _ := files.Sniff(head); got != want {
			t.Errorf("brand %s: %q, want %q", brand, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("é", 300) + ".pdf"
	for in, want := range map[string]string{
		"../../etc/passwd.pdf":   "passwd.pdf",
		`..\..\windows\evil.pdf`: "evil.pdf",
		"re\x00port\x01.pdf":     "report.pdf",
		"  .hidden.pdf ":         "hidden.pdf",
		"..":                     "document.pdf",
		"":                       "document.pdf",
		"bad\xffutf8.pdf":        "badutf8.pdf",
		"a\u202egnp.pdf":         "agnp.pdf",
		"tab\tand\nnewline.pdf":  "tabandnewline.pdf",
		"Résumé (final) v2.pdf":  "Résumé (final) v2.pdf",
	} {
		if got := files.CleanName(in, files.TypePDF); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	got := files.CleanName(long, files.TypePDF)
	if n := len([]rune(got)); n != files.MaxNameRunes || !strings.HasSuffix(got, "….pdf") {
		t.Errorf("300-character name became %d characters: %q", n, got)
	}
}

func TestSweep(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	known := "11111111-1111-1111-1111-111111111111"
	orphan := "22222222-2222-2222-2222-222222222222"
	fresh := "33333333-3333-3333-3333-333333333333"
	for _, n := range []string{known, orphan, orphan + ".thumb.jpg", files.TempPrefix + "x", fresh, "README"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if n != fresh {
			os.Chtimes(filepath.Join(dir, n), old, old)
		}
	}
	n, err := files.Sweep(dir, func(k string) bool { return k == known }, time.Now().Add(-time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("removed %d (%v), want 3", n, err)
	}
	got := strings.Join(dirFiles(t, dir), ",")
	if got != strings.Join([]string{known, fresh, "README"}, ",") {
		t.Fatalf("left %s", got)
	}
}

func TestOpenRefusesPaths(t *testing.T) {
	if _, err := files.Open(t.TempDir(), "../tenant.db"); err == nil {
		t.Fatal("opened a path outside the files directory")
	}
}

// Remove is how purges and erasure delete files: it deletes stored files
// by key, skips empty keys and files already gone, and never follows a
// name that is not a stored file's (a path out of the directory).
func TestRemoveDeletesOnlyStoredFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "files")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	stored := "11111111-1111-1111-1111-111111111111"
	thumb := stored + ".thumb.jpg"
	kept := "22222222-2222-2222-2222-222222222222"
	for _, p := range []string{filepath.Join(dir, stored), filepath.Join(dir, thumb), filepath.Join(dir, kept), filepath.Join(dir, "notes.txt"), filepath.Join(root, "tenant.db")} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gone := "33333333-3333-3333-3333-333333333333"
	if err := files.Remove(dir, stored, thumb, "", gone, "../tenant.db", "notes.txt"); err != nil {
		t.Fatalf("remove: %v (a file already gone and names that are no key are skipped)", err)
	}
	if got := strings.Join(dirFiles(t, dir), ","); got != kept+",notes.txt" {
		t.Fatalf("left %s, want the other key and the file that is no key", got)
	}
	if _, err := os.Stat(filepath.Join(root, "tenant.db")); err != nil {
		t.Fatalf("a path out of the files directory was followed: %v", err)
	}
}
