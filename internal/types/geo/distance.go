package geo

import "math"

// EarthRadius is the Earth's quadratic mean radius for WGS-84, in meters:
// the sphere Valkey measures distances on.
const EarthRadius = 6372797.560856

// mercatorMax is half the Web Mercator world width, in meters.
const mercatorMax = 20037726.37

// degToRad is M_PI / 180.0 rounded to a double, as C computes it.
var degToRad = math.Pi / 180.0

func radians(deg float64) float64 { return deg * degToRad }
func degrees(rad float64) float64 { return rad / degToRad }

// LatDistance is the distance between two latitudes on one meridian.
func LatDistance(lat1, lat2 float64) float64 {
	return EarthRadius * math.Abs(radians(lat2)-radians(lat1))
}

// Distance is the great-circle distance in meters between two points, by
// the Haversine formula, as Valkey's geohashGetDistance.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r := radians(lon1)
	lon2r := radians(lon2)
	v := sin((lon2r - lon1r) / 2)
	// Longitudes practically equal (about 6 nm on Earth): the distance is
	// along the meridian.
	if math.Abs(v) <= 1e-15 {
		return LatDistance(lat1, lat2)
	}
	lat1r := radians(lat1)
	lat2r := radians(lat2)
	u := sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(cos(lat1r)*cos(lat2r))*v*v)
	return 2.0 * EarthRadius * asin(math.Sqrt(a))
}

// inRectangle reports whether (x2, y2) is inside the width × height
// meters rectangle centred on (x1, y1), and its distance from the centre.
// The latitude test comes first: it is cheaper.
func inRectangle(widthM, heightM, x1, y1, x2, y2 float64) (float64, bool) {
	if LatDistance(y2, y1) > heightM/2 {
		return 0, false
	}
	if Distance(x2, y2, x1, y2) > widthM/2 {
		return 0, false
	}
	return Distance(x1, y1, x2, y2), true
}

// inPolygon reports whether p is inside the polygon (ray casting, PNPOLY)
// and, if so, its distance from the centroid (cx, cy).
func inPolygon(cx, cy float64, p [2]float64, vertices [][2]float64) (float64, bool) {
	inside := false
	for i, j := 0, len(vertices)-1; i < len(vertices); j, i = i, i+1 {
		a, b := vertices[i], vertices[j]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < float64(float64((b[0]-a[0])*(p[1]-a[1]))/(b[1]-a[1]))+a[0] {
			inside = !inside
		}
	}
	if !inside {
		return 0, false
	}
	return Distance(cx, cy, p[0], p[1]), true
}
