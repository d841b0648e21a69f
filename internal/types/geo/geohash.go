package geo

import "math"

// Coordinate limits (EPSG:900913): points nearer the poles cannot be
// indexed.
const (
	LatMin  = -85.05112878
	LatMax  = 85.05112878
	LongMin = -180.0
	LongMax = 180.0
)

// StepMax is the precision of a stored point: 26 bits per coordinate,
// 52 in the score.
const StepMax = 26

// Hash is a geohash cell: the interleaved Bits of a cell index with Step
// bits per coordinate. The zero Hash (Step 0) marks an unused neighbour.
type Hash struct {
	Bits uint64
	Step uint8
}

// IsZero reports whether h is the zero Hash.
func (h Hash) IsZero() bool { return h.Bits == 0 && h.Step == 0 }

// Range is an interval of one coordinate.
type Range struct{ Min, Max float64 }

func (r Range) isZero() bool { return r.Min == 0 && r.Max == 0 }

// Area is the extent of a cell.
type Area struct {
	Hash      Hash
	Longitude Range
	Latitude  Range
}

// Neighbors are the eight cells around a cell, at its step.
type Neighbors struct {
	North, East, West, South                   Hash
	NorthEast, SouthEast, NorthWest, SouthWest Hash
}

// The coordinate ranges of stored points, and of standard geohash
// strings (GEOHASH's output).
var (
	lonRange    = Range{LongMin, LongMax}
	latRange    = Range{LatMin, LatMax}
	stdLatRange = Range{-90, 90}
)

// ValidLonLat reports whether a point can be indexed.
func ValidLonLat(lon, lat float64) bool {
	return !(lon < LongMin || lon > LongMax || lat < LatMin || lat > LatMax)
}

// spread moves the low 32 bits of v to the even bit positions.
func spread(v uint64) uint64 {
	v = (v | v<<16) & 0x0000FFFF0000FFFF
	v = (v | v<<8) & 0x00FF00FF00FF00FF
	v = (v | v<<4) & 0x0F0F0F0F0F0F0F0F
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// squeeze is the inverse of spread: the even bits of v, packed into the
// low 32 bits.
func squeeze(v uint64) uint64 {
	v &= 0x5555555555555555
	v = (v | v>>1) & 0x3333333333333333
	v = (v | v>>2) & 0x0F0F0F0F0F0F0F0F
	v = (v | v>>4) & 0x00FF00FF00FF00FF
	v = (v | v>>8) & 0x0000FFFF0000FFFF
	v = (v | v>>16) & 0x00000000FFFFFFFF
	return v
}

// interleave puts lat in the even bits and lon in the odd bits.
func interleave(lat, lon uint32) uint64 { return spread(uint64(lat)) | spread(uint64(lon))<<1 }

// deinterleave returns the even bits (latitude) and the odd bits
// (longitude) of v.
func deinterleave(v uint64) (lat, lon uint32) {
	return uint32(squeeze(v)), uint32(squeeze(v >> 1))
}

// encode is geohashEncode: the cell of (lon, lat) at step in the given
// ranges. ok is false for a bad step or a point outside the ranges or the
// indexable limits.
func encode(lonR, latR Range, lon, lat float64, step uint8) (Hash, bool) {
	if step > 32 || step == 0 || latR.isZero() || lonR.isZero() {
		return Hash{}, false
	}
	if !ValidLonLat(lon, lat) {
		return Hash{}, false
	}
	if lat < latR.Min || lat > latR.Max || lon < lonR.Min || lon > lonR.Max {
		return Hash{Step: step}, false
	}
	latOff := (lat - latR.Min) / (latR.Max - latR.Min)
	lonOff := (lon - lonR.Min) / (lonR.Max - lonR.Min)
	scale := float64(uint64(1) << step)
	latOff = float64(latOff * scale)
	lonOff = float64(lonOff * scale)
	// C converts the offsets to uint32 by truncation; they are in
	// [0, 2^step], so this cannot overflow for step <= 31.
	return Hash{Bits: interleave(toUint32(latOff), toUint32(lonOff)), Step: step}, true
}

// toUint32 is C's (uint32_t) conversion of a value known to be in range
// (truncation towards zero); values outside it saturate instead of being
// undefined.
func toUint32(f float64) uint32 {
	switch {
	case !(f >= 0):
		return 0
	case f >= 1<<32:
		return math.MaxUint32
	}
	return uint32(f)
}

// Encode returns the cell of a stored point (lon, lat) at step.
func Encode(lon, lat float64, step uint8) (Hash, bool) {
	return encode(lonRange, latRange, lon, lat, step)
}

// Score is the sorted set score of the point (lon, lat), which must be
// valid: its 52-bit geohash.
func Score(lon, lat float64) uint64 {
	h, _ := Encode(lon, lat, StepMax)
	return Align52(h)
}

// decode is geohashDecode: the extent of cell h in the given ranges.
func decode(lonR, latR Range, h Hash) (Area, bool) {
	if h.IsZero() || latR.isZero() || lonR.isZero() {
		return Area{}, false
	}
	ilat, ilon := deinterleave(h.Bits)
	latScale := latR.Max - latR.Min
	lonScale := lonR.Max - lonR.Min
	cells := float64(uint64(1) << h.Step)
	// ilat+1 wraps at 2^32 as the C uint32_t sum does.
	return Area{
		Hash: h,
		Latitude: Range{
			Min: latR.Min + float64(float64(ilat)/cells*latScale),
			Max: latR.Min + float64(float64(ilat+1)/cells*latScale),
		},
		Longitude: Range{
			Min: lonR.Min + float64(float64(ilon)/cells*lonScale),
			Max: lonR.Min + float64(float64(ilon+1)/cells*lonScale),
		},
	}, true
}

// Decode returns the extent of the stored-point cell h.
func Decode(h Hash) (Area, bool) { return decode(lonRange, latRange, h) }

// Center is the centre of an area, clamped to the indexable limits.
func (a *Area) Center() (lon, lat float64) {
	lon = (a.Longitude.Min + a.Longitude.Max) / 2
	lon = min(max(lon, LongMin), LongMax)
	lat = (a.Latitude.Min + a.Latitude.Max) / 2
	lat = min(max(lat, LatMin), LatMax)
	return lon, lat
}

// DecodeScore returns the point a sorted set score stands for: the centre
// of its 52-bit cell. Every score decodes (out-of-range bits give clamped
// coordinates), as in Valkey.
func DecodeScore(score float64) (lon, lat float64, ok bool) {
	a, ok := Decode(Hash{Bits: ScoreBits(score), Step: StepMax})
	if !ok {
		return 0, 0, false
	}
	lon, lat = a.Center()
	return lon, lat, true
}

// ScoreBits converts a score to uint64 as Valkey's (uint64_t) cast does
// on x86-64: truncation; negative values wrap as int64; NaN and values
// out of the int64 range give 1<<63 (cvttsd2si's "indefinite"), those of
// 2^64 and more give 0.
func ScoreBits(s float64) uint64 {
	const two63 = 1 << 63
	if s >= two63 {
		return uint64(cvtt(s-two63)) ^ (1 << 63)
	}
	return uint64(cvtt(s))
}

// cvtt is the cvttsd2si instruction: truncation towards zero, or MinInt64
// for NaN and out-of-range values.
func cvtt(d float64) int64 {
	if d != d || d >= 1<<63 || d < -(1<<63) {
		return math.MinInt64
	}
	return int64(d)
}

// Align52 is the first 52-bit score of cell h.
func Align52(h Hash) uint64 {
	return h.Bits << (52 - uint(h.Step)*2)
}

// ScoreRange returns the scores of the points in cell h: min (inclusive)
// to max (exclusive).
func ScoreRange(h Hash) (lo, hi uint64) {
	lo = Align52(h)
	h.Bits++
	return lo, Align52(h)
}

// moveX moves h one cell east (d > 0) or west (d < 0), wrapping around.
func moveX(h *Hash, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := shr(0x5555555555555555, 64-uint(h.Step)*2)
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= shr(0xaaaaaaaaaaaaaaaa, 64-uint(h.Step)*2)
	h.Bits = x | y
}

// moveY moves h one cell north (d > 0) or south (d < 0), wrapping around.
func moveY(h *Hash, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := shr(0xaaaaaaaaaaaaaaaa, 64-uint(h.Step)*2)
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= shr(0x5555555555555555, 64-uint(h.Step)*2)
	h.Bits = x | y
}

// shr is v >> n as x86-64 executes it: the count taken modulo 64 (a step
// of 0 would shift by 64, undefined in C; this keeps it harmless).
func shr(v uint64, n uint) uint64 { return v >> (n & 63) }

// NeighborsOf returns the eight cells around h.
func NeighborsOf(h Hash) Neighbors {
	n := Neighbors{h, h, h, h, h, h, h, h}
	moveX(&n.East, 1)
	moveX(&n.West, -1)
	moveY(&n.South, -1)
	moveY(&n.North, 1)
	moveX(&n.NorthWest, -1)
	moveY(&n.NorthWest, 1)
	moveX(&n.NorthEast, 1)
	moveY(&n.NorthEast, 1)
	moveX(&n.SouthEast, 1)
	moveY(&n.SouthEast, -1)
	moveX(&n.SouthWest, -1)
	moveY(&n.SouthWest, -1)
	return n
}

// geohashAlphabet is the standard geohash base-32 alphabet.
const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// AppendGeohash appends the 11-character standard geohash of (lon, lat)
// as GEOHASH prints it: re-encoded over latitude [-90, 90] with 52 bits,
// the eleventh character always "0".
func AppendGeohash(dst []byte, lon, lat float64) []byte {
	h, _ := encode(lonRange, stdLatRange, lon, lat, StepMax)
	for i := 0; i < 10; i++ {
		dst = append(dst, geohashAlphabet[(h.Bits>>(52-(i+1)*5))&0x1f])
	}
	return append(dst, '0')
}
