package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Reference values below were read from Valkey 9.0.4 (GEOADD, ZSCORE,
// GEOPOS, GEOHASH, GEODIST) or from Valkey's geohash C code.

func TestScoreMatchesValkey(t *testing.T) {
	cases := []struct {
		lon, lat float64
		score    uint64
		pos      [2]string
		hash     string
	}{
		{13.361389, 38.115556, 3479099956230698, [2]string{"13.36138933897018433", "38.11555639549629859"}, "sqc8b49rny0"},
		{0, 0, 3377699720527872, [2]string{"0.00000268220901489", "0.00000126736058093"}, "s0000000000"},
		// The north-east corner: latitude offset 2^26 spills into bit 52.
		{180, 85.05112878, 13510798882111488, [2]string{"180", "85.0511287799999991"}, "bp05b5048p0"},
		{-180, -85.05112878, 0, [2]string{"-179.99999731779098511", "-85.05112751263942528"}, "00bh0hbj200"},
		{-0.0000001, 0.0000001, 1876499844737706, [2]string{"-0.00000268220901489", "0.00000126736058093"}, "ebpbpbpbpb0"},
	}
	for _, c := range cases {
		if got := Score(c.lon, c.lat); got != c.score {
			t.Errorf("Score(%v, %v) = %d, want %d", c.lon, c.lat, got, c.score)
		}
		lon, lat, ok := DecodeScore(float64(c.score))
		if !ok {
			t.Fatalf("DecodeScore(%d) failed", c.score)
		}
		if got := string(AppendCoord(nil, lon)); got != c.pos[0] {
			t.Errorf("lon of %d = %s, want %s", c.score, got, c.pos[0])
		}
		if got := string(AppendCoord(nil, lat)); got != c.pos[1] {
			t.Errorf("lat of %d = %s, want %s", c.score, got, c.pos[1])
		}
		if got := string(AppendGeohash(nil, lon, lat)); got != c.hash {
			t.Errorf("geohash of %d = %s, want %s", c.score, got, c.hash)
		}
	}
}

func TestDistanceMatchesValkey(t *testing.T) {
	pl, _, _ := DecodeScore(3479099956230698)
	_, plat, _ := DecodeScore(3479099956230698)
	clon, clat, _ := DecodeScore(float64(Score(15.087269, 37.502669)))
	d := Distance(pl, plat, clon, clat)
	if got := string(AppendDistance(nil, d)); got != "166274.1516" {
		t.Errorf("Palermo-Catania = %s, want 166274.1516", got)
	}
	if got := string(AppendDistance(nil, d/1000)); got != "166.2742" {
		t.Errorf("in km = %s, want 166.2742", got)
	}
	// Bits from Valkey's geohashGetDistance.
	if got := Distance(13.361389, 38.115556, 15.087269, 37.502669); math.Float64bits(got) != 0x41044c120ff4f0fa {
		t.Errorf("Distance bits %x, want 41044c120ff4f0fa", math.Float64bits(got))
	}
	// Same longitude: the meridian shortcut.
	if got, want := Distance(10, 20, 10, 21), LatDistance(20, 21); got != want {
		t.Errorf("meridian distance %v, want %v", got, want)
	}
}

// TestEncodeDecodeProperty: a point decodes to the centre of its cell,
// within half a cell of where it was, and re-encodes to the same score.
func TestEncodeDecodeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cellLon := 360.0 / (1 << StepMax)
	cellLat := (LatMax - LatMin) / (1 << StepMax)
	for i := 0; i < 100000; i++ {
		lon := r.Float64()*360 - 180
		lat := r.Float64()*(LatMax-LatMin) + LatMin
		s := Score(lon, lat)
		if s >= 1<<52 {
			t.Fatalf("score %d of (%v, %v) has more than 52 bits", s, lon, lat)
		}
		dlon, dlat, ok := DecodeScore(float64(s))
		if !ok || math.Abs(dlon-lon) > cellLon/2+1e-12 || math.Abs(dlat-lat) > cellLat/2+1e-12 {
			t.Fatalf("(%v, %v) -> %d -> (%v, %v)", lon, lat, s, dlon, dlat)
		}
		if s2 := Score(dlon, dlat); s2 != s {
			t.Fatalf("(%v, %v): centre re-encodes to %d, not %d", lon, lat, s2, s)
		}
		// The score is in its cell's range at every step.
		step := uint8(1 + r.IntN(StepMax))
		h, _ := Encode(lon, lat, step)
		lo, hi := ScoreRange(h)
		if s < lo || s >= hi {
			t.Fatalf("score %d outside its step-%d cell [%d, %d)", s, step, lo, hi)
		}
	}
}

// TestNeighborsProperty: moving to a neighbour and back is the identity,
// and a neighbour's area touches the cell's.
func TestNeighborsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		step := uint8(1 + r.IntN(StepMax))
		h := Hash{Bits: r.Uint64() & (1<<(2*uint(step)) - 1), Step: step}
		n := NeighborsOf(h)
		back := n.East
		moveX(&back, -1)
		if back != h {
			t.Fatalf("east then west of %v = %v", h, back)
		}
		back = n.North
		moveY(&back, -1)
		if back != h {
			t.Fatalf("north then south of %v = %v", h, back)
		}
		back = NeighborsOf(n.SouthWest).NorthEast
		if back != h {
			t.Fatalf("south-west then north-east of %v = %v", h, back)
		}
		a, _ := Decode(h)
		if e, _ := Decode(n.East); e.Longitude.Min != a.Longitude.Max && a.Longitude.Max != LongMax {
			t.Fatalf("east of %v starts at %v, cell ends at %v", h, e.Longitude.Min, a.Longitude.Max)
		}
		if no, _ := Decode(n.North); no.Latitude.Min != a.Latitude.Max && a.Latitude.Max != LatMax {
			t.Fatalf("north of %v starts at %v, cell ends at %v", h, no.Latitude.Min, a.Latitude.Max)
		}
	}
}

func TestScoreBitsIsCCast(t *testing.T) {
	// (uint64_t)d as gcc compiles it for x86-64.
	cases := []struct {
		f    float64
		want uint64
	}{
		{-1, 0xffffffffffffffff},
		{-1.5, 0xffffffffffffffff},
		{-1e300, 0x8000000000000000},
		{9.2e18, 0x7facf7419d980000},
		{9.3e18, 0x81103cb9fb220000},
		{1.8e19, 0xf9ccd8a1c5080000},
		{1.9e19, 0},
		{math.Inf(1), 0},
		{math.Inf(-1), 0x8000000000000000},
		{math.NaN(), 0x8000000000000000},
		{-0.5, 0},
		{4503599627370495.5, 0xfffffffffffff},
	}
	for _, c := range cases {
		if got := ScoreBits(c.f); got != c.want {
			t.Errorf("ScoreBits(%v) = %x, want %x", c.f, got, c.want)
		}
	}
	// Every score decodes to clamped coordinates.
	for _, f := range []float64{-1, math.Inf(1), math.NaN(), 1e300, 123.5} {
		lon, lat, ok := DecodeScore(f)
		if !ok || lon < LongMin || lon > LongMax || lat < LatMin || lat > LatMax {
			t.Errorf("DecodeScore(%v) = %v, %v, %v", f, lon, lat, ok)
		}
	}
}

func TestAppendDistance(t *testing.T) {
	cases := []struct {
		d    float64
		want string
	}{
		{0, "0.0000"},
		{math.Copysign(0, -1), "0.0000"},
		{1e-9, "0.0000"},
		{0.00005, "0.0000"}, // 0.5 rounds to even
		{0.0001, "0.0001"},
		{0.7775, "0.7775"},
		{1, "1.0000"},
		{12.34567, "12.3457"},
		{166274.15156960033, "166274.1516"},
		{-0.00006, "-0.0001"},
		{-2.5, "-2.5000"},
	}
	for _, c := range cases {
		if got := string(AppendDistance(nil, c.d)); got != c.want {
			t.Errorf("AppendDistance(%v) = %s, want %s", c.d, got, c.want)
		}
	}
}

func TestAppendCoord(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{-1e-20, "0"}, // "-0.00000000000000000" trims to "-0"
		{1.5, "1.5"},
		{180, "180"},
		{-179.99999731779098511, "-179.99999731779098511"},
		{math.Inf(1), "inf"},
	}
	for _, c := range cases {
		if got := string(AppendCoord(nil, c.f)); got != c.want {
			t.Errorf("AppendCoord(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}

func TestEstimateSteps(t *testing.T) {
	cases := []struct {
		meters, lat float64
		want        int
	}{
		{0, 0, 26},
		{1, 0, 24},
		{1000, 0, 14},
		{1000, 70, 13},
		{1000, -85, 12},
		{5e6, 0, 2},
		{2.1e7, 0, 1},
		{math.Inf(1), 0, 1},
		{5e-324, 0, 26},
	}
	for _, c := range cases {
		if got := EstimateSteps(c.meters, c.lat); got != c.want {
			t.Errorf("EstimateSteps(%v, %v) = %d, want %d", c.meters, c.lat, got, c.want)
		}
	}
}

// TestAreasMatchValkey compares search cells and bounding boxes with the
// output of Valkey's geohashCalculateAreasByShapeWGS84.
func TestAreasMatchValkey(t *testing.T) {
	cells := func(a Areas) [9]Hash { return a.Cells() }
	s := Shape{Kind: Circle, Lon: 15, Lat: 37, Radius: 200, Conversion: 1000}
	got := cells(s.Areas())
	want := [9]Hash{{0xc59, 6}, {0xc5c, 6}, {}, {0xc5b, 6}, {}, {0xc5e, 6}, {}, {}, {}}
	if got != want {
		t.Errorf("circle cells %v, want %v", got, want)
	}
	wantBounds := [4]uint64{0x402962b6a23b54a1, 0x404199d6af08d60e, 0x40314ea4aee255b0, 0x4043662950f729f2}
	for i, b := range s.Bounds {
		if math.Float64bits(b) != wantBounds[i] {
			t.Errorf("circle bound %d = %x, want %x", i, math.Float64bits(b), wantBounds[i])
		}
	}
	p := Shape{Kind: Polygon, Vertices: [][2]float64{{10, 10}, {20, 10}, {15, 20}}, Conversion: 1}
	got = cells(p.Areas())
	want = [9]Hash{{0xc1, 4}, {}, {0xc0, 4}, {}, {}, {}, {}, {}, {}}
	if got != want {
		t.Errorf("polygon cells %v, want %v", got, want)
	}
	if math.Float64bits(p.Lon) != 0x402dffffffffffff || math.Float64bits(p.Lat) != 0x402ab9bb6b9c28c9 {
		t.Errorf("polygon centroid %x %x", math.Float64bits(p.Lon), math.Float64bits(p.Lat))
	}
}

func TestContains(t *testing.T) {
	palermo := float64(Score(13.361389, 38.115556))
	s := Shape{Kind: Circle, Lon: 15, Lat: 37, Radius: 200, Conversion: 1000}
	if _, _, d, ok := s.Contains(palermo); !ok || string(AppendDistance(nil, d/1000)) != "190.4424" {
		t.Errorf("Palermo in 200 km of (15, 37): %v, %v", d, ok)
	}
	s.Radius = 190
	if _, _, _, ok := s.Contains(palermo); ok {
		t.Error("Palermo in 190 km of (15, 37)")
	}
	box := Shape{Kind: Rectangle, Lon: 13.361389, Lat: 38.115556, Width: 1, Height: 1, Conversion: 1000}
	if _, _, d, ok := box.Contains(palermo); !ok || d > 1 {
		t.Errorf("Palermo not in its own box: %v %v", d, ok)
	}
	tri := Shape{Kind: Polygon, Vertices: [][2]float64{{13, 38}, {14, 38}, {13.5, 39}}, Conversion: 1}
	tri.Areas() // sets the centroid
	if _, _, _, ok := tri.Contains(palermo); !ok {
		t.Error("Palermo not in the triangle")
	}
	tri.Vertices = [][2]float64{{14, 38}, {15, 38}, {14.5, 39}}
	if _, _, _, ok := tri.Contains(palermo); ok {
		t.Error("Palermo in the triangle east of it")
	}
}

// TestCorrectlyRounded checks the libm replacements against values
// computed with 200-bit arithmetic (mpmath), including cases where Go's
// math package is an ulp off.
func TestCorrectlyRounded(t *testing.T) {
	cases := []struct {
		name string
		got  float64
		want float64
	}{
		{"sin", sin(-0.24401546636046612), -0.2416010745557717},
		{"cos", cos(-0.9570197371944723), 0.5759588416292515},
		{"asin", asin(-0.7576050873775788), -0.8596360948671157},
		{"atan2", atan2(-0.12726762019433197, 0.7), -0.1798464374235718},
		{"sin0", sin(math.Copysign(0, -1)), math.Copysign(0, -1)},
		{"asin1", asin(1), math.Pi / 2},
		{"cos big", cos(1e6), math.Cos(1e6)},
	}
	for _, c := range cases {
		if math.Float64bits(c.got) != math.Float64bits(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Within an ulp of Go's (which is within an ulp of the truth) on a
	// range of arguments, both quadrants' signs included.
	r := rand.New(rand.NewPCG(5, 6))
	near := func(a, b float64) bool {
		return a == b || math.Nextafter(a, b) == b
	}
	for i := 0; i < 20000; i++ {
		x := (r.Float64()*2 - 1) * 10
		if !near(sin(x), math.Sin(x)) || !near(cos(x), math.Cos(x)) {
			t.Fatalf("sin/cos(%v) = %v, %v; Go %v, %v", x, sin(x), cos(x), math.Sin(x), math.Cos(x))
		}
		// Go's Asin can be a few ulps off near ±1: check sin(asin(u)).
		u := r.Float64()*2 - 1
		if y := asin(u); math.Abs(y-math.Asin(u)) > 1e-13 || math.Abs(sin(y)-u) > 2.3e-16 {
			t.Fatalf("asin(%v) = %v; Go %v", u, y, math.Asin(u))
		}
		if !near(atan2(x, u), math.Atan2(x, u)) {
			t.Fatalf("atan2(%v, %v) = %v; Go %v", x, u, atan2(x, u), math.Atan2(x, u))
		}
	}
}

func BenchmarkDistance(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Distance(13.361389, 38.115556, 15.087269+float64(i&7), 37.502669)
	}
}
