package geo

import "math"

// ShapeKind is the kind of a search area.
type ShapeKind uint8

// Search area kinds.
const (
	Circle    ShapeKind = iota + 1 // Radius around the centre
	Rectangle                      // Width × Height around the centre
	Polygon                        // Vertices; the centre is their centroid
)

// Shape is a search area. Radius, Width and Height are in the search's
// unit: Conversion meters per unit. A polygon's vertices are (lon, lat)
// pairs and its Conversion is 1.
type Shape struct {
	Kind          ShapeKind
	Lon, Lat      float64 // the centre (for a polygon, set by Areas)
	Radius        float64
	Width, Height float64
	Vertices      [][2]float64
	Conversion    float64

	// Bounds is the bounding box (min lon, min lat, max lon, max lat),
	// set by Areas.
	Bounds [4]float64
}

// Areas is the cell of the centre of a search and its neighbours; zero
// neighbours need not be scanned.
type Areas struct {
	Hash      Hash
	Neighbors Neighbors
	Area      Area
}

// Cells returns the nine cells in Valkey's scanning order: the centre,
// then north, south, east, west, north-east, north-west, south-east,
// south-west.
func (a *Areas) Cells() [9]Hash {
	n := &a.Neighbors
	return [9]Hash{a.Hash, n.North, n.South, n.East, n.West, n.NorthEast, n.NorthWest, n.SouthEast, n.SouthWest}
}

// EstimateSteps is the step (bits per coordinate) of cells about as large
// as a search radius: the largest step whose cell still spans twice the
// range, one less towards the poles, within [1, 26].
func EstimateSteps(rangeMeters, lat float64) int {
	if rangeMeters == 0 {
		return StepMax
	}
	step := 1
	// Bounded: the range doubles each time (a NaN or huge one skips it);
	// the cap keeps a subnormal range finite.
	for rangeMeters < mercatorMax && step < 2000 {
		rangeMeters *= 2
		step++
	}
	step -= 2 // make sure the range is included in most base cases
	// Cells are narrower towards the poles.
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return min(max(step, 1), StepMax)
}

// boundingBox sets s.Bounds; for a polygon it also sets the centre to the
// centroid of the vertices (the mean of their unit vectors).
func (s *Shape) boundingBox() {
	var height, width float64
	switch s.Kind {
	case Circle:
		height = s.Conversion * s.Radius
		width = s.Conversion * s.Radius
	case Rectangle:
		height = s.Conversion * s.Height / 2
		width = s.Conversion * s.Width / 2
	case Polygon:
		minLon, maxLon := LongMax, LongMin
		minLat, maxLat := LatMax, LatMin
		var x, y, z float64
		for _, v := range s.Vertices {
			lon, lat := v[0], v[1]
			if lon < minLon {
				minLon = lon
			}
			if lon > maxLon {
				maxLon = lon
			}
			if lat < minLat {
				minLat = lat
			}
			if lat > maxLat {
				maxLat = lat
			}
			lonR, latR := radians(lon), radians(lat)
			x += float64(cos(latR) * cos(lonR))
			y += float64(cos(latR) * sin(lonR))
			z += sin(latR)
		}
		s.Bounds = [4]float64{minLon, minLat, maxLon, maxLat}
		s.Lon = degrees(atan2(y, x))
		s.Lat = degrees(atan2(z, math.Sqrt(float64(x*x)+float64(y*y))))
		return
	}
	latDelta := degrees(height / EarthRadius)
	lonDeltaTop := degrees(width / EarthRadius / cos(radians(s.Lat+latDelta)))
	lonDeltaBottom := degrees(width / EarthRadius / cos(radians(s.Lat-latDelta)))
	// The box is widest at its edge nearer the equator.
	lonDelta := lonDeltaTop
	if s.Lat < 0 {
		lonDelta = lonDeltaBottom
	}
	s.Bounds = [4]float64{s.Lon - lonDelta, s.Lat - latDelta, s.Lon + lonDelta, s.Lat + latDelta}
}

// Areas computes the bounding box and returns the cells covering the
// search area, as Valkey's geohashCalculateAreasByShapeWGS84.
func (s *Shape) Areas() Areas {
	s.boundingBox()
	minLon, minLat, maxLon, maxLat := s.Bounds[0], s.Bounds[1], s.Bounds[2], s.Bounds[3]

	var radius float64
	switch s.Kind {
	case Circle:
		radius = s.Radius
	case Rectangle:
		// The distance from the centre to a corner.
		hw, hh := s.Width/2, s.Height/2
		radius = math.Sqrt(float64(hw*hw) + float64(hh*hh))
	case Polygon:
		// The farthest corner of the bounding box from the centroid.
		radius = Distance(s.Lon, s.Lat, minLon, maxLat)
		for _, d := range [...]float64{
			Distance(s.Lon, s.Lat, maxLon, maxLat),
			Distance(s.Lon, s.Lat, minLon, minLat),
			Distance(s.Lon, s.Lat, maxLon, minLat),
		} {
			if d > radius {
				radius = d
			}
		}
	}
	radius *= s.Conversion

	steps := EstimateSteps(radius, s.Lat)
	hash, _ := encode(lonRange, latRange, s.Lon, s.Lat, uint8(steps))
	neighbors := NeighborsOf(hash)
	area, _ := decode(lonRange, latRange, hash)

	// Near the edge of the search area the estimated step may be too
	// coarse for the neighbours to cover it: use one step less then.
	north, _ := decode(lonRange, latRange, neighbors.North)
	south, _ := decode(lonRange, latRange, neighbors.South)
	east, _ := decode(lonRange, latRange, neighbors.East)
	west, _ := decode(lonRange, latRange, neighbors.West)
	decrease := north.Latitude.Max < maxLat || south.Latitude.Min > minLat ||
		east.Longitude.Max < maxLon || west.Longitude.Min > minLon
	if steps > 1 && decrease {
		steps--
		hash, _ = encode(lonRange, latRange, s.Lon, s.Lat, uint8(steps))
		neighbors = NeighborsOf(hash)
		area, _ = decode(lonRange, latRange, hash)
	}

	// Drop the neighbours beyond the bounding box.
	if steps >= 2 {
		n := &neighbors
		if area.Latitude.Min < minLat {
			n.South, n.SouthWest, n.SouthEast = Hash{}, Hash{}, Hash{}
		}
		if area.Latitude.Max > maxLat {
			n.North, n.NorthEast, n.NorthWest = Hash{}, Hash{}, Hash{}
		}
		if area.Longitude.Min < minLon {
			n.West, n.SouthWest, n.NorthWest = Hash{}, Hash{}, Hash{}
		}
		if area.Longitude.Max > maxLon {
			n.East, n.SouthEast, n.NorthEast = Hash{}, Hash{}, Hash{}
		}
	}
	return Areas{Hash: hash, Neighbors: neighbors, Area: area}
}

// Contains decodes a sorted set score and reports whether its point is in
// the search area, with the point and its distance in meters from the
// centre.
func (s *Shape) Contains(score float64) (lon, lat, dist float64, ok bool) {
	lon, lat, ok = DecodeScore(score)
	if !ok {
		return 0, 0, 0, false
	}
	switch s.Kind {
	case Circle:
		dist = Distance(s.Lon, s.Lat, lon, lat)
		ok = !(dist > s.Radius*s.Conversion)
	case Rectangle:
		dist, ok = inRectangle(s.Width*s.Conversion, s.Height*s.Conversion, s.Lon, s.Lat, lon, lat)
	case Polygon:
		dist, ok = inPolygon(s.Lon, s.Lat, [2]float64{lon, lat}, s.Vertices)
	default:
		ok = false
	}
	return lon, lat, dist, ok
}
