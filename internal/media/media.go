// Package media keeps the photos and voice notes that come with reports:
// it checks what a file really is (by its bytes, not its name or the
// client's word), bounds its size, and stores it on disk under its SHA-256,
// so a retried upload writes nothing new.
package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"grid110/internal/grid110"
)

// Kinds of attachment and what each accepts.
const (
	KindPhoto = "photo"
	KindVoice = "voice"
)

// Limits per file and per report.
const (
	MaxPhotoBytes = 10 << 20
	MaxVoiceBytes = 5 << 20
	MaxPhotos     = 6
	MaxVoices     = 1
)

var accepted = map[string][]string{
	KindPhoto: {"image/jpeg", "image/png", "image/webp"},
	KindVoice: {"audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav", "audio/aac"},
}

// Accepted lists the content types a kind accepts.
func Accepted(kind string) []string { return slices.Clone(accepted[kind]) }

// MaxBytes is the size limit of one file of kind.
func MaxBytes(kind string) int64 {
	if kind == KindVoice {
		return MaxVoiceBytes
	}
	return MaxPhotoBytes
}

// File is a checked file, stored.
type File struct {
	Kind        string
	ContentType string
	Size        int64
	SHA256      []byte
	Path        string // relative to the store's directory
}

// Store keeps files under a directory.
type Store struct{ dir string }

// NewStore returns a store under dir, creating it if needed.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("media directory: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Open opens a stored file by its relative path.
func (s *Store) Open(path string) (*os.File, error) {
	if !filepath.IsLocal(path) {
		return nil, fmt.Errorf("media path %q: %w", path, grid110.ErrNotFound)
	}
	return os.Open(filepath.Join(s.dir, path))
}

// Put checks r as a file of kind named name (for messages) and stores it.
// The error matches ErrInvalid, naming the field, for a file of the wrong
// type or too large.
func (s *Store) Put(kind, field, name string, r io.Reader) (File, error) {
	types, ok := accepted[kind]
	if !ok {
		return File{}, grid110.Invalid(field, "unknown attachment kind %q", kind)
	}
	max := MaxBytes(kind)
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return File{}, fmt.Errorf("store %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	defer tmp.Close()
	h := sha256.New()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return File{}, grid110.Invalid(field, "%s: could not read the upload: %v", name, err)
	}
	head = head[:n]
	if n == 0 {
		return File{}, grid110.Invalid(field, "%s is empty", name)
	}
	ct := sniff(head)
	if !slices.Contains(types, ct) {
		return File{}, grid110.Invalid(field, "%s is %s; a %s must be one of %s", name, ct, kind, strings.Join(types, ", "))
	}
	size, err := io.Copy(io.MultiWriter(tmp, h), io.MultiReader(bytes.NewReader(head), io.LimitReader(r, max+1-int64(n))))
	if err != nil {
		return File{}, grid110.Invalid(field, "%s: upload broken off: %v", name, err)
	}
	if size > max {
		return File{}, grid110.Invalid(field, "%s is larger than %d MB, the limit for a %s", name, max>>20, kind)
	}
	sum := h.Sum(nil)
	hexSum := hex.EncodeToString(sum)
	rel := filepath.Join(hexSum[:2], hexSum+ext(ct))
	if err := os.MkdirAll(filepath.Join(s.dir, hexSum[:2]), 0o750); err != nil {
		return File{}, fmt.Errorf("store %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return File{}, fmt.Errorf("store %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, rel)); err != nil {
		return File{}, fmt.Errorf("store %s: %w", name, err)
	}
	return File{Kind: kind, ContentType: ct, Size: size, SHA256: sum, Path: rel}, nil
}

// sniff tells what a file is from its first bytes. http.DetectContentType
// knows images and some audio; WebM/Matroska (what Chrome records), MP4
// audio and AAC are told here.
func sniff(b []byte) string {
	switch {
	case len(b) >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3:
		return "audio/webm"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "mif1", "msf1", "avif":
			return "image/heic" // iPhone photos; the report page converts them to JPEG
		}
		return "audio/mp4" // iOS Safari records audio/mp4 (M4A)
	case len(b) >= 2 && b[0] == 0xFF && (b[1]&0xF6) == 0xF0:
		return "audio/aac"
	}
	ct := http.DetectContentType(b)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch ct {
	case "application/ogg":
		return "audio/ogg"
	case "audio/wave":
		return "audio/wav"
	}
	return ct
}

func ext(ct string) string {
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "audio/webm":
		return ".webm"
	case "audio/ogg":
		return ".ogg"
	case "audio/mp4":
		return ".m4a"
	case "audio/mpeg":
		return ".mp3"
	case "audio/wav":
		return ".wav"
	case "audio/aac":
		return ".aac"
	}
	return ""
}
