package tiles

import (
	"encoding/binary"
	"math"

	"github.com/paulmach/orb"
)

// A small Mapbox Vector Tile 2.1 encoder. It writes keys, values and
// features in the order they are added, so the same data always gives the
// same bytes (and the same ETag on every instance), and it takes integer
// tile coordinates straight from the renderer without building GeoJSON.
// Tests decode its output with orb's decoder and with GDAL.

// MVT geometry types and commands.
const (
	geomPoint   = 1
	geomPolygon = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// value is a property value; comparable, so it can key the value table.
type value struct {
	kind byte // 's' string, 'i' sint64, 'd' double, 'b' bool
	s    string
	i    int64
	d    float64
}

func str(s string) value   { return value{kind: 's', s: s} }
func num(i int64) value    { return value{kind: 'i', i: i} }
func dbl(f float64) value  { return value{kind: 'd', d: f} }
func boolean(b bool) value { return value{kind: 'b', i: b2i(b)} }
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// prop is one property of a feature.
type prop struct {
	key string
	val value
}

// layerEncoder builds one layer.
type layerEncoder struct {
	name     string
	keys     []string
	keyIdx   map[string]uint32
	vals     []value
	valIdx   map[value]uint32
	features []byte
	n        int
	geom     []uint32 // scratch
	tags     []uint32 // scratch
	feat     []byte   // scratch
	px, py   int32    // cursor of the geometry being written
}

func newLayerEncoder(name string) *layerEncoder {
	return &layerEncoder{name: name, keyIdx: map[string]uint32{}, valIdx: map[value]uint32{},
		features: make([]byte, 0, 4096)}
}

// empty reports whether the layer has no features.
func (l *layerEncoder) empty() bool { return l.n == 0 }

func (l *layerEncoder) key(k string) uint32 {
	if i, ok := l.keyIdx[k]; ok {
		return i
	}
	i := uint32(len(l.keys))
	l.keys = append(l.keys, k)
	l.keyIdx[k] = i
	return i
}

func (l *layerEncoder) val(v value) uint32 {
	if i, ok := l.valIdx[v]; ok {
		return i
	}
	i := uint32(len(l.vals))
	l.vals = append(l.vals, v)
	l.valIdx[v] = i
	return i
}

// beginGeom starts a feature's geometry.
func (l *layerEncoder) beginGeom() { l.geom, l.px, l.py = l.geom[:0], 0, 0 }

func (l *layerEncoder) cmd(id, count uint32) { l.geom = append(l.geom, id&7|count<<3) }

func (l *layerEncoder) to(p orb.Point) {
	x, y := int32(p[0]), int32(p[1])
	dx, dy := x-l.px, y-l.py
	l.px, l.py = x, y
	l.geom = append(l.geom, uint32(dx<<1^dx>>31), uint32(dy<<1^dy>>31))
}

// addPoints writes a (multi)point geometry.
func (l *layerEncoder) addPoints(pts ...orb.Point) {
	l.cmd(cmdMoveTo, uint32(len(pts)))
	for _, p := range pts {
		l.to(p)
	}
}

// addRing writes a closed ring (first point repeated at the end).
func (l *layerEncoder) addRing(r orb.Ring) {
	l.cmd(cmdMoveTo, 1)
	l.to(r[0])
	l.cmd(cmdLineTo, uint32(len(r)-2))
	for _, p := range r[1 : len(r)-1] {
		l.to(p)
	}
	l.cmd(cmdClosePath, 1)
}

// endFeature writes a feature with the geometry built since beginGeom.
func (l *layerEncoder) endFeature(id uint64, typ int, props ...prop) {
	l.tags = l.tags[:0]
	for _, p := range props {
		l.tags = append(l.tags, l.key(p.key), l.val(p.val))
	}
	f := l.feat[:0]
	if id != 0 {
		f = appendTag(f, 1, 0)
		f = binary.AppendUvarint(f, id)
	}
	f = appendPacked(f, 2, l.tags)
	f = appendTag(f, 3, 0)
	f = binary.AppendUvarint(f, uint64(typ))
	f = appendPacked(f, 4, l.geom)
	l.features = appendTag(l.features, 2, 2)
	l.features = binary.AppendUvarint(l.features, uint64(len(f)))
	l.features = append(l.features, f...)
	l.feat = f
	l.n++
}

// appendTo appends the layer, as field 3 of a Tile, to b.
func (l *layerEncoder) appendTo(b []byte) []byte {
	m := make([]byte, 0, len(l.features)+64*len(l.vals)+256)
	m = appendTag(m, 15, 0)
	m = binary.AppendUvarint(m, 2)
	m = appendBytes(m, 1, []byte(l.name))
	m = append(m, l.features...)
	for _, k := range l.keys {
		m = appendBytes(m, 3, []byte(k))
	}
	for _, v := range l.vals {
		m = appendBytes(m, 4, encodeValue(v))
	}
	m = appendTag(m, 5, 0)
	m = binary.AppendUvarint(m, Extent)
	b = appendTag(b, 3, 2)
	b = binary.AppendUvarint(b, uint64(len(m)))
	return append(b, m...)
}

func encodeValue(v value) []byte {
	var b []byte
	switch v.kind {
	case 's':
		b = appendBytes(b, 1, []byte(v.s))
	case 'd':
		b = appendTag(b, 3, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.d))
	case 'b':
		b = appendTag(b, 7, 0)
		b = binary.AppendUvarint(b, uint64(v.i))
	default:
		b = appendTag(b, 6, 0)
		b = binary.AppendUvarint(b, uint64(v.i<<1^v.i>>63))
	}
	return b
}

func appendTag(b []byte, field, wire uint64) []byte { return binary.AppendUvarint(b, field<<3|wire) }

func appendBytes(b []byte, field uint64, v []byte) []byte {
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendPacked(b []byte, field uint64, vs []uint32) []byte {
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(n))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
