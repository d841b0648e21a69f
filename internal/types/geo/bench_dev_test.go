package geo

import (
	"math"
	"testing"
)

func goDistance(lon1d, lat1d, lon2d, lat2d float64) float64 {
	lon1r := radians(lon1d)
	lon2r := radians(lon2d)
	v := math.Sin((lon2r - lon1r) / 2)
	lat1r := radians(lat1d)
	lat2r := radians(lat2d)
	u := math.Sin((lat2r - lat1r) / 2)
	a := u*u + math.Cos(lat1r)*math.Cos(lat2r)*v*v
	return 2.0 * EarthRadius * math.Asin(math.Sqrt(a))
}

func BenchmarkGoDistance(b *testing.B) {
	for i := 0; i < b.N; i++ {
		goDistance(13.361389, 38.115556, 15.087269+float64(i&7), 37.502669)
	}
}
