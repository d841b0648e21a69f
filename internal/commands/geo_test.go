package commands

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"petrel/internal/types/geo"
	"petrel/internal/types/zset"
)

// Reference replies in these tests come from Valkey 9.0.4.

func TestGeoCommandsGoRedis(t *testing.T) {
	e := newCollEnv(t)
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		ctx := e.ctx
		c.FlushAll(ctx)
		n := c.GeoAdd(ctx, "Sicily",
			&redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
			&redis.GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669}).Val()
		if n != 2 {
			t.Fatalf("GEOADD = %d", n)
		}
		if s := c.ZScore(ctx, "Sicily", "Palermo").Val(); s != 3479099956230698 {
			t.Fatalf("ZSCORE Palermo = %v", s)
		}
		if d := c.GeoDist(ctx, "Sicily", "Palermo", "Catania", "km").Val(); d != 166.2742 {
			t.Fatalf("GEODIST km = %v", d)
		}
		if h := c.GeoHash(ctx, "Sicily", "Palermo", "nosuch").Val(); !slices.Equal(h, []string{"sqc8b49rny0", ""}) {
			t.Fatalf("GEOHASH = %q", h)
		}
		pos := c.GeoPos(ctx, "Sicily", "Palermo", "nosuch").Val()
		if len(pos) != 2 || pos[0] == nil || pos[0].Longitude != 13.36138933897018433 || pos[0].Latitude != 38.11555639549629859 || pos[1] != nil {
			t.Fatalf("GEOPOS = %v", pos)
		}
		locs := c.GeoRadius(ctx, "Sicily", 15, 37, &redis.GeoRadiusQuery{
			Radius: 200, Unit: "km", WithDist: true, WithCoord: true, WithGeoHash: true, Sort: "ASC",
		}).Val()
		if len(locs) != 2 || locs[0].Name != "Catania" || locs[0].Dist != 56.4413 || locs[0].GeoHash != 3479447370796909 ||
			locs[1].Name != "Palermo" || locs[1].Dist != 190.4424 || locs[1].Longitude != 13.36138933897018433 {
			t.Fatalf("GEORADIUS = %+v", locs)
		}
		names := c.GeoRadiusByMember(ctx, "Sicily", "Palermo", &redis.GeoRadiusQuery{Radius: 200, Unit: "km", Sort: "DESC"}).Val()
		if len(names) != 2 || names[0].Name != "Catania" || names[1].Name != "Palermo" {
			t.Fatalf("GEORADIUSBYMEMBER = %+v", names)
		}
		got := c.GeoSearch(ctx, "Sicily", &redis.GeoSearchQuery{
			Longitude: 15, Latitude: 37, BoxWidth: 400, BoxHeight: 400, BoxUnit: "km", Sort: "DESC", Count: 1,
		}).Val()
		if !slices.Equal(got, []string{"Palermo"}) {
			t.Fatalf("GEOSEARCH BYBOX DESC COUNT 1 = %v", got)
		}
		gl := c.GeoSearchLocation(ctx, "Sicily", &redis.GeoSearchLocationQuery{
			GeoSearchQuery: redis.GeoSearchQuery{Member: "Catania", Radius: 100, RadiusUnit: "km"},
			WithDist:       true,
		}).Val()
		if len(gl) != 1 || gl[0].Name != "Catania" || gl[0].Dist != 0 {
			t.Fatalf("GEOSEARCH FROMMEMBER WITHDIST = %+v", gl)
		}
		if n := c.GeoSearchStore(ctx, "Sicily", "dst", &redis.GeoSearchStoreQuery{
			GeoSearchQuery: redis.GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km"},
			StoreDist:      true,
		}).Val(); n != 2 {
			t.Fatalf("GEOSEARCHSTORE = %d", n)
		}
		if zs := c.ZRangeWithScores(ctx, "dst", 0, -1).Val(); len(zs) != 2 || zs[0].Member != "Catania" || zs[0].Score != 56.441257870158204 {
			t.Fatalf("stored distances = %v", zs)
		}
		if err := c.GeoRadiusStore(ctx, "Sicily", 15, 37, &redis.GeoRadiusQuery{Radius: 1, Unit: "km", Store: "dst"}).Err(); err != nil {
			t.Fatalf("GEORADIUS STORE: %v", err)
		}
		if c.Exists(ctx, "dst").Val() != 0 {
			t.Fatal("an empty GEORADIUS STORE left its destination")
		}
	}
}

func TestGeoRawReplies(t *testing.T) {
	e := newCollEnv(t)
	// Raw replies end with CRLF.
	is := func(want string, args ...string) { t.Helper(); e.is(t, want+"\r\n", args...) }
	is3 := func(want string, args ...string) { t.Helper(); e.is3(t, want+"\r\n", args...) }
	is(":2", "GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
	is("*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1", "GEOPOS", "Sicily", "Palermo", "x")
	is3("*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_", "GEOPOS", "Sicily", "Palermo", "x")
	// WITHDIST is a bulk string in RESP3 too.
	is3("*1\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "100", "km", "WITHDIST")
	is("$-1", "GEODIST", "Sicily", "Palermo", "x")
	is3("_", "GEODIST", "nokey", "a", "b")
	is("*0", "GEORADIUSBYMEMBER", "nokey", "m", "-1", "yards")
	is("-ERR invalid longitude,latitude pair 200.000000,100.000000", "GEOADD", "g", "200", "100", "a")
	is("-ERR invalid longitude,latitude pair inf,0.000000", "GEOADD", "g", "inf", "0", "a")
	is("-ERR unsupported unit provided. please use M, KM, FT, MI", "GEODIST", "Sicily", "a", "b", "yd")
	is("-ERR member nosuch does not exist", "GEORADIUSBYMEMBER", "Sicily", "nosuch", "1", "km")
	is("-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch", "geosearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST")
	is("-ERR exactly one of BYRADIUS, BYBOX and BYPOLYGON can be specified for GEOSEARCH", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "ASC", "WITHDIST")
	is("-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
		"GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHDIST")
	is("-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
		"GEORADIUS", "Sicily", "1", "1", "1", "km", "STORE", "d", "WITHHASH")
	is("-ERR syntax error", "GEORADIUS_RO", "Sicily", "1", "1", "1", "km", "STORE", "d")
	is("-ERR the ANY argument requires COUNT argument", "GEORADIUS", "Sicily", "1", "1", "1", "km", "ANY")
	is("-ERR COUNT must be > 0", "GEORADIUS", "Sicily", "1", "1", "1", "km", "COUNT", "0")
	is("-ERR GEOSEARCH BYPOLYGON must have at least 3 vertices", "GEOSEARCH", "Sicily", "BYPOLYGON", "2", "1", "1", "2", "2")
	is("*2\r\n*2\r\n$7\r\nPalermo\r\n$10\r\n87079.3757\r\n*2\r\n$7\r\nCatania\r\n$10\r\n95942.2984",
		"GEOSEARCH", "Sicily", "BYPOLYGON", "4", "12", "36", "16", "36", "16", "39", "12", "39", "ASC", "WITHDIST")
	is("+OK", "SET", "s", "x")
	is("-WRONGTYPE Operation against a key holding the wrong kind of value", "GEOPOS", "s", "a")
}

// TestGeoSearchFindsEveryPointInRange is a property test of the search
// area: against a brute-force scan, a search returns every point clearly
// inside the circle or box and nothing outside it, on both encodings.
func TestGeoSearchFindsEveryPointInRange(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{50, 1000} {
		z := zset.New(n, 8, zset.DefaultLimits)
		type pt struct {
			name     string
			lon, lat float64
		}
		var pts []pt
		// Points clustered around a centre, so that searches find some.
		clon, clat := r.Float64()*300-150, r.Float64()*140-70
		for i := 0; i < n; i++ {
			lon := min(max(clon+r.NormFloat64()*5, geo.LongMin), geo.LongMax)
			lat := min(max(clat+r.NormFloat64()*5, geo.LatMin), geo.LatMax)
			name := fmt.Sprint("p", i)
			score := geo.Score(lon, lat)
			z.Add(float64(score), []byte(name), 0, zset.DefaultLimits)
			dlon, dlat, _ := geo.DecodeScore(float64(score))
			pts = append(pts, pt{name, dlon, dlat})
		}
		for q := 0; q < 200; q++ {
			lon := min(max(clon+r.NormFloat64()*5, geo.LongMin), geo.LongMax)
			lat := min(max(clat+r.NormFloat64()*5, geo.LatMin), geo.LatMax)
			radius := r.Float64() * 800
			var shape geo.Shape
			if q%2 == 0 {
				shape = geo.Shape{Kind: geo.Circle, Lon: lon, Lat: lat, Radius: radius, Conversion: 1000}
			} else {
				shape = geo.Shape{Kind: geo.Rectangle, Lon: lon, Lat: lat, Width: radius, Height: radius * 1.5, Conversion: 1000}
			}
			found := map[string]bool{}
			for _, p := range geoCandidates(z, &shape, 0) {
				found[string(p.member)] = true
			}
			for _, p := range pts {
				d := geo.Distance(lon, lat, p.lon, p.lat)
				var inside, outside bool
				if shape.Kind == geo.Circle {
					inside, outside = d < radius*1000*(1-1e-9), d > radius*1000
				} else {
					latD := geo.LatDistance(p.lat, lat)
					lonD := geo.Distance(p.lon, p.lat, lon, p.lat)
					inside = latD < shape.Height*500*(1-1e-9) && lonD < shape.Width*500*(1-1e-9)
					outside = latD > shape.Height*500 || lonD > shape.Width*500
				}
				if inside && !found[p.name] {
					t.Fatalf("n=%d query %d %+v: %s at (%v, %v), %v m away, not found", n, q, shape, p.name, p.lon, p.lat, d)
				}
				if outside && found[p.name] {
					t.Fatalf("n=%d query %d %+v: %s at (%v, %v), %v m away, found", n, q, shape, p.name, p.lon, p.lat, d)
				}
			}
		}
	}
}

// TestGeoSortOrders checks the ordering of results at equal distances
// (Valkey's: stable without COUNT, pqsort's with it) against replies
// recorded from Valkey 9.
func TestGeoSortOrders(t *testing.T) {
	e := newCollEnv(t)
	is := func(want string, args ...string) { t.Helper(); e.is(t, want+"\r\n", args...) }
	args := []string{"GEOADD", "ties"}
	for i := 0; i < 30; i++ {
		args = append(args, "2.5", "3.5", fmt.Sprintf("t%02d", i))
	}
	is(":30", args...)
	is(":4", "GEOADD", "ties", "2.6", "3.5", "near1", "2.4", "3.5", "near2", "2.5", "3.6", "near3", "2.5", "3.4", "near4")
	want := func(names ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "*%d", len(names))
		for _, n := range names {
			fmt.Fprintf(&b, "\r\n$%d\r\n%s", len(n), n)
		}
		return b.String()
	}
	is(want("t27", "t29", "t00"), "GEOSEARCH", "ties", "FROMLONLAT", "2.5", "3.5", "BYRADIUS", "100", "km", "ASC", "COUNT", "3")
	is(want("near3", "near4", "near1"), "GEOSEARCH", "ties", "FROMLONLAT", "2.5", "3.5", "BYRADIUS", "100", "km", "DESC", "COUNT", "3")
	is(want("t27", "t29", "t00", "t01", "t02", "t03", "t04", "t05", "t06", "t07"),
		"GEOSEARCH", "ties", "FROMLONLAT", "2.5", "3.5", "BYRADIUS", "100", "km", "ASC", "COUNT", "10")
}

func TestPartialSortMatchesFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	cmp := func(a, b *int) int { return *a - *b }
	for i := 0; i < 2000; i++ {
		n := 1 + r.IntN(200)
		a := make([]int, n)
		for j := range a {
			a[j] = r.IntN(n/2 + 1) // with duplicates
		}
		full := slices.Clone(a)
		sort.Ints(full)
		lo := r.IntN(n)
		hi := lo + r.IntN(n-lo)
		partialSort(a, cmp, lo, hi)
		if !slices.Equal(a[lo:hi+1], full[lo:hi+1]) {
			t.Fatalf("partialSort(n=%d, %d..%d) = %v, want %v", n, lo, hi, a[lo:hi+1], full[lo:hi+1])
		}
		partialSort(a, cmp, 0, n-1)
		if !slices.Equal(a, full) {
			t.Fatalf("partialSort(n=%d, all) = %v", n, a)
		}
	}
}
