package media

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"grid110/internal/grid110"
)

func pngOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPut(t *testing.T) {
	dir := t.TempDir()
	s, err := NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := pngOf(t)
	f, err := s.Put(KindPhoto, "photo", "a.png", bytes.NewReader(p))
	if err != nil {
		t.Fatal(err)
	}
	if f.ContentType != "image/png" || f.Size != int64(len(p)) || !strings.HasSuffix(f.Path, ".png") {
		t.Errorf("stored %+v", f)
	}
	got, err := os.ReadFile(filepath.Join(dir, f.Path))
	if err != nil || !bytes.Equal(got, p) {
		t.Errorf("bytes on disk differ: %v", err)
	}
	// The same bytes again land on the same file; no temporary files stay.
	g, err := s.Put(KindPhoto, "photo", "b.png", bytes.NewReader(p))
	if err != nil || g.Path != f.Path {
		t.Errorf("second put %+v, %v; want the same path", g, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".upload-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	webm := append([]byte{0x1A, 0x45, 0xDF, 0xA3}, make([]byte, 100)...)
	heic := append([]byte{0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, make([]byte, 100)...)
	m4a := append([]byte{0, 0, 0, 24, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '}, make([]byte, 100)...)
	for _, c := range []struct {
		kind string
		data []byte
		ok   bool
		says string
	}{
		{KindVoice, webm, true, ""},
		{KindVoice, m4a, true, ""},
		{KindPhoto, heic, false, "image/heic"},
		{KindPhoto, webm, false, "audio/webm"},
		{KindVoice, p, false, "image/png"},
		{KindPhoto, []byte("GIF89a......"), false, "image/gif"},
		{KindPhoto, nil, false, "empty"},
		{KindPhoto, append(p, make([]byte, MaxPhotoBytes)...), false, "larger than 10 MB"},
		{"video", p, false, "unknown attachment kind"},
	} {
		_, err := s.Put(c.kind, "f", "x", bytes.NewReader(c.data))
		if (err == nil) != c.ok || (err != nil && (!errors.Is(err, grid110.ErrInvalid) || !strings.Contains(err.Error(), c.says))) {
			t.Errorf("%s %d bytes: %v; want ok=%v saying %q", c.kind, len(c.data), err, c.ok, c.says)
		}
	}
	if _, err := s.Open("../etc/passwd"); err == nil {
		t.Error("opened a path outside the store")
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte{0x1A, 0x45, 0xDF, 0xA3})
	f.Add([]byte("\x00\x00\x00\x18ftypheic"))
	f.Add([]byte{0xFF, 0xF1, 0x50})
	f.Fuzz(func(t *testing.T, b []byte) {
		ct := sniff(b)
		if ct == "" || strings.Contains(ct, ";") {
			t.Errorf("sniff = %q", ct)
		}
	})
}
