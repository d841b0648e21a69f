package commands

// The geo family, as Valkey 9's geo.c: GEOADD GEODIST GEOHASH GEOPOS
// GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH
// GEOSEARCHSTORE.
//
// A geo set is a plain sorted set (any encoding): each member's score is
// the 52-bit geohash of its position (package types/geo). GEOADD is ZADD
// with those scores, and every sorted set command works on a geo set.
//
// Searches scan the score ranges of the nine cells covering the search
// area in Valkey's order, filter the candidates by exact distance, then
// sort them by distance as Valkey does: a stable sort (glibc's qsort is
// a merge sort) when every result is returned, and Valkey's partial
// quicksort (pqsort, sort.go) when COUNT keeps fewer, so that points at
// equal distances come out in the same order.
//
// Replies print distances with four decimals (as bulk strings, in RESP3
// too) and coordinates as "%.17Lf" with the trailing zeros cut (RESP3
// doubles with that text).

import (
	"math"
	"slices"
	"strconv"

	"petrel/internal/errs"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/geo"
	"petrel/internal/types/zset"
)

func registerGeo(r *server.Registry) {
	r.Handle("geoadd", cmdGeoAdd)
	r.Handle("geodist", cmdGeoDist)
	r.Handle("geohash", cmdGeoHash)
	r.Handle("geopos", cmdGeoPos)
	r.Handle("georadius", cmdGeoRadius)
	r.Handle("georadius_ro", cmdGeoRadiusRO)
	r.Handle("georadiusbymember", cmdGeoRadiusByMember)
	r.Handle("georadiusbymember_ro", cmdGeoRadiusByMemberRO)
	r.Handle("geosearch", cmdGeoSearch)
	r.Handle("geosearchstore", cmdGeoSearchStore)
}

// --- argument helpers -----------------------------------------------------------

// geoDouble parses a number as Valkey's getDoubleFromObject (string2d).
func geoDouble(b []byte, err error) (float64, error) {
	f, ok := zset.ParseScore(b)
	if !ok {
		return 0, err
	}
	return f, nil
}

// geoLonLat parses a longitude and a latitude and checks that the point
// can be indexed.
func geoLonLat(lonArg, latArg []byte) (lon, lat float64, err error) {
	if lon, err = geoDouble(lonArg, errs.NotFloat); err != nil {
		return 0, 0, err
	}
	if lat, err = geoDouble(latArg, errs.NotFloat); err != nil {
		return 0, 0, err
	}
	if !geo.ValidLonLat(lon, lat) {
		return 0, 0, errs.GeoInvalidLonLat(cFloat(lon), cFloat(lat))
	}
	return lon, lat, nil
}

// cFloat formats f as C's "%f".
func cFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// geoUnit returns the meters in one unit (m, km, ft, mi).
func geoUnit(b []byte) (float64, error) {
	switch {
	case isKeyword(b, "m"):
		return 1, nil
	case isKeyword(b, "km"):
		return 1000, nil
	case isKeyword(b, "ft"):
		return 0.3048, nil
	case isKeyword(b, "mi"):
		return 1609.34, nil
	}
	return 0, errs.GeoUnit
}

// geoRadius parses "<radius> <unit>".
func geoRadius(num, unit []byte) (radius, conv float64, err error) {
	if radius, err = geoDouble(num, errs.GeoRadiusNotFloat); err != nil {
		return 0, 0, err
	}
	if radius < 0 {
		return 0, 0, errs.GeoRadiusNegative
	}
	conv, err = geoUnit(unit)
	return radius, conv, err
}

// geoBox parses "<width> <height> <unit>".
func geoBox(w, h, unit []byte) (width, height, conv float64, err error) {
	if width, err = geoDouble(w, errs.GeoWidthNotFloat); err != nil {
		return 0, 0, 0, err
	}
	if height, err = geoDouble(h, errs.GeoHeightNotFloat); err != nil {
		return 0, 0, 0, err
	}
	if height < 0 || width < 0 {
		return 0, 0, 0, errs.GeoBoxNegative
	}
	conv, err = geoUnit(unit)
	return width, height, conv, err
}

// geoMemberPos returns the position of a member of the geo set z.
func geoMemberPos(z *zsetValue, member []byte) (lon, lat float64, err error) {
	score, ok := z.Score(member)
	if !ok {
		return 0, 0, errs.GeoNoMember(member)
	}
	lon, lat, _ = geo.DecodeScore(score) // every score decodes
	return lon, lat, nil
}

// --- reply helpers --------------------------------------------------------------

// writeGeoDistance writes a distance as Valkey's addReplyDoubleDistance:
// four decimals, a bulk string in both protocols.
func writeGeoDistance(w *resp.Writer, d float64) {
	var buf [32]byte
	w.Bulk(geo.AppendDistance(buf[:0], d))
}

// writeGeoCoord writes a coordinate as addReplyHumanLongDouble: a bulk
// string in RESP2, a double in RESP3, with "%.17Lf" text either way.
func writeGeoCoord(w *resp.Writer, f float64) {
	var buf [48]byte
	s := geo.AppendCoord(buf[:0], f)
	if w.Proto == 3 {
		w.Buf = append(w.Buf, ',')
		w.Buf = append(w.Buf, s...)
		w.Buf = append(w.Buf, '\r', '\n')
		return
	}
	w.Bulk(s)
}

// --- GEOADD ---------------------------------------------------------------------

// GEOADD key [NX|XX] [CH] longitude latitude member [...]
//
// As Valkey, GEOADD checks its arguments, turns each position into a
// score and runs ZADD with them (so its reply, errors and keyspace event
// are ZADD's).
func cmdGeoAdd(c *server.Ctx) {
	args := c.Args
	nx, xx := false, false
	first := 2 // the first longitude, after the options
options:
	for ; first < len(args); first++ {
		switch a := args[first]; {
		case isKeyword(a, "nx"):
			nx = true
		case isKeyword(a, "xx"):
			xx = true
		case isKeyword(a, "ch"): // ZADD handles it
		default:
			break options
		}
	}
	if (len(args)-first)%3 != 0 || (nx && xx) {
		c.Error(errs.Syntax)
		return
	}
	n := (len(args) - first) / 3
	zargs := make([][]byte, 0, first+2*n)
	zargs = append(zargs, []byte("zadd"))
	zargs = append(zargs, args[1:first]...)
	for i := first; i < len(args); i += 3 {
		lon, lat, err := geoLonLat(args[i], args[i+1])
		if err != nil {
			c.Error(err)
			return
		}
		zargs = append(zargs, strconv.AppendUint(nil, geo.Score(lon, lat), 10), args[i+2])
	}
	c.Args = zargs
	zaddGeneric(c, 0)
}

// --- GEODIST / GEOHASH / GEOPOS -----------------------------------------------------

// GEODIST key member1 member2 [M|KM|FT|MI]
func cmdGeoDist(c *server.Ctx) {
	toMeters := 1.0
	switch {
	case len(c.Args) == 5:
		var err error
		if toMeters, err = geoUnit(c.Args[4]); err != nil {
			c.Error(err)
			return
		}
	case len(c.Args) > 5:
		c.Error(errs.Syntax)
		return
	}
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	s1, ok1 := z.Score(c.Args[2])
	s2, ok2 := z.Score(c.Args[3])
	if !ok1 || !ok2 {
		c.W.Null()
		return
	}
	lon1, lat1, _ := geo.DecodeScore(s1)
	lon2, lat2, _ := geo.DecodeScore(s2)
	writeGeoDistance(c.W, geo.Distance(lon1, lat1, lon2, lat2)/toMeters)
}

// GEOHASH key [member ...]
func cmdGeoHash(c *server.Ctx) {
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	members := c.Args[2:]
	c.W.Array(len(members))
	var buf [16]byte
	for _, m := range members {
		var score float64
		ok := false
		if z != nil {
			score, ok = z.Score(m)
		}
		if !ok {
			c.W.Null()
			continue
		}
		lon, lat, _ := geo.DecodeScore(score)
		c.W.Bulk(geo.AppendGeohash(buf[:0], lon, lat))
	}
}

// GEOPOS key [member ...]
func cmdGeoPos(c *server.Ctx) {
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	members := c.Args[2:]
	c.W.Array(len(members))
	for _, m := range members {
		var score float64
		ok := false
		if z != nil {
			score, ok = z.Score(m)
		}
		if !ok {
			c.W.NullArray()
			continue
		}
		lon, lat, _ := geo.DecodeScore(score)
		c.W.Array(2)
		writeGeoCoord(c.W, lon)
		writeGeoCoord(c.W, lat)
	}
}

// --- GEORADIUS* / GEOSEARCH* --------------------------------------------------------

// geoFlags select a search command's syntax.
type geoFlags uint8

const (
	geoFromCoords  geoFlags = 1 << iota // GEORADIUS: key lon lat radius unit
	geoFromMember                       // GEORADIUSBYMEMBER: key member radius unit
	geoNoStore                          // the _RO variants: no STORE/STOREDIST
	geoSearch                           // GEOSEARCH syntax (FROM.../BY...)
	geoSearchStore                      // GEOSEARCHSTORE: dest src, STOREDIST flag
)

// GEORADIUS key longitude latitude radius unit [options]
func cmdGeoRadius(c *server.Ctx) { geoSearchGeneric(c, 1, geoFromCoords) }

// GEORADIUS_RO key longitude latitude radius unit [options]
func cmdGeoRadiusRO(c *server.Ctx) { geoSearchGeneric(c, 1, geoFromCoords|geoNoStore) }

// GEORADIUSBYMEMBER key member radius unit [options]
func cmdGeoRadiusByMember(c *server.Ctx) { geoSearchGeneric(c, 1, geoFromMember) }

// GEORADIUSBYMEMBER_RO key member radius unit [options]
func cmdGeoRadiusByMemberRO(c *server.Ctx) { geoSearchGeneric(c, 1, geoFromMember|geoNoStore) }

// GEOSEARCH key FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit|BYPOLYGON n lon lat ... [options]
func cmdGeoSearch(c *server.Ctx) { geoSearchGeneric(c, 1, geoSearch) }

// GEOSEARCHSTORE dest src ... [STOREDIST]
func cmdGeoSearchStore(c *server.Ctx) { geoSearchGeneric(c, 2, geoSearch|geoSearchStore) }

// geoSort is a search's requested order.
type geoSort uint8

const (
	geoUnsorted geoSort = iota
	geoAsc
	geoDesc
)

// geoQuery is a parsed search.
type geoQuery struct {
	shape      geo.Shape
	store      []byte // destination key, nil for a reply
	storeDist  bool
	withDist   bool
	withHash   bool
	withCoord  bool
	any        bool
	count      int64 // 0: unlimited
	sort       geoSort
	fromMember bool
	fromLonLat bool
	byRadius   bool
	byBox      bool
	byPolygon  bool
}

// geoSearchGeneric is Valkey's georadiusGeneric: parse in Valkey's order
// (so the first error is Valkey's), search, reply or store.
func geoSearchGeneric(c *server.Ctx, srcAt int, flags geoFlags) {
	z, err := zsetRead(c.DB, c.Args[srcAt])
	if err != nil {
		c.Error(err)
		return
	}
	q, err := parseGeoQuery(c.Args, z, flags)
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		if q.store != nil {
			if c.DB.Delete(q.store) {
				c.Modified(q.store, "del")
			}
			c.W.Int(0)
		} else {
			c.W.Array(0)
		}
		return
	}
	// COUNT without an order means the nearest ones (except with ANY).
	if q.count != 0 && q.sort == geoUnsorted && !q.any {
		q.sort = geoAsc
	}
	limit := 0
	if q.any {
		limit = int(q.count)
	}
	points := geoCandidates(&z.ZSet, &q.shape, limit)
	if len(points) == 0 && q.store == nil {
		c.W.Array(0)
		return
	}
	returned := len(points)
	if q.count != 0 && int64(returned) > q.count {
		returned = int(q.count)
	}
	sortGeoPoints(points, returned, q.sort)
	points = points[:returned]
	for i := range points {
		points[i].dist /= q.shape.Conversion // meters to the unit
	}
	if q.store != nil {
		storeGeoPoints(c, &q, points, flags)
		return
	}
	writeGeoPoints(c.W, &q, points)
}

// parseGeoQuery reads a search's arguments. z is the source set (nil when
// missing: then GEORADIUSBYMEMBER and FROMMEMBER skip the member, and
// GEORADIUSBYMEMBER its radius, as Valkey).
func parseGeoQuery(args [][]byte, z *zsetValue, flags geoFlags) (geoQuery, error) {
	var q geoQuery
	var err error
	sh := &q.shape
	base := 0
	switch {
	case flags&geoFromCoords != 0:
		base = 6
		sh.Kind = geo.Circle
		if sh.Lon, sh.Lat, err = geoLonLat(args[2], args[3]); err != nil {
			return q, err
		}
		if sh.Radius, sh.Conversion, err = geoRadius(args[4], args[5]); err != nil {
			return q, err
		}
	case flags&geoFromMember != 0 && z == nil:
		base = 5
	case flags&geoFromMember != 0:
		base = 5
		sh.Kind = geo.Circle
		if sh.Lon, sh.Lat, err = geoMemberPos(z, args[2]); err != nil {
			return q, err
		}
		if sh.Radius, sh.Conversion, err = geoRadius(args[3], args[4]); err != nil {
			return q, err
		}
	default: // GEOSEARCH, GEOSEARCHSTORE
		base = 2
		if flags&geoSearchStore != 0 {
			base = 3
			q.store = args[1]
		}
	}

	search := flags&geoSearch != 0
	storeOK := flags&(geoNoStore|geoSearch) == 0
	opts := args[base:]
	for i := 0; i < len(opts); i++ {
		a := opts[i]
		left := len(opts) - i - 1 // arguments after this one
		switch {
		case isKeyword(a, "withdist"):
			q.withDist = true
		case isKeyword(a, "withhash"):
			q.withHash = true
		case isKeyword(a, "withcoord"):
			q.withCoord = true
		case isKeyword(a, "any"):
			q.any = true
		case isKeyword(a, "asc"):
			q.sort = geoAsc
		case isKeyword(a, "desc"):
			q.sort = geoDesc
		case isKeyword(a, "count") && left >= 1:
			n, ok := num.ParseInt(opts[i+1])
			if !ok {
				return q, errs.NotInteger
			}
			if n <= 0 {
				return q, errs.GeoCountPositive
			}
			q.count = n
			i++
		case isKeyword(a, "store") && left >= 1 && storeOK:
			q.store, q.storeDist = opts[i+1], false
			i++
		case isKeyword(a, "storedist") && left >= 1 && storeOK:
			q.store, q.storeDist = opts[i+1], true
			i++
		case isKeyword(a, "storedist") && flags&geoSearchStore != 0:
			q.storeDist = true
		case isKeyword(a, "frommember") && left >= 1 && search && !q.fromLonLat && !q.byPolygon:
			q.fromMember = true
			i++
			if z == nil {
				continue // no source: the reply is empty, once parsing is done
			}
			if sh.Lon, sh.Lat, err = geoMemberPos(z, opts[i]); err != nil {
				return q, err
			}
		case isKeyword(a, "fromlonlat") && left >= 2 && search && !q.fromMember && !q.byPolygon:
			if sh.Lon, sh.Lat, err = geoLonLat(opts[i+1], opts[i+2]); err != nil {
				return q, err
			}
			q.fromLonLat = true
			i += 2
		case isKeyword(a, "byradius") && left >= 2 && search && !q.byBox && !q.byPolygon:
			if sh.Radius, sh.Conversion, err = geoRadius(opts[i+1], opts[i+2]); err != nil {
				return q, err
			}
			sh.Kind = geo.Circle
			q.byRadius = true
			i += 2
		case isKeyword(a, "bybox") && left >= 3 && search && !q.byRadius && !q.byPolygon:
			if sh.Width, sh.Height, sh.Conversion, err = geoBox(opts[i+1], opts[i+2], opts[i+3]); err != nil {
				return q, err
			}
			sh.Kind = geo.Rectangle
			q.byBox = true
			i += 3
		case isKeyword(a, "bypolygon") && left >= 2 && search && !q.byRadius && !q.byBox && !q.fromMember && !q.fromLonLat:
			n, ok := num.ParseInt(opts[i+1])
			if !ok || n < math.MinInt32 || n > math.MaxInt32 {
				return q, errs.GeoVerticesNotInt
			}
			if possible := (left - 1) / 2; n < 3 || int64(possible) < n {
				return q, errs.GeoPolygonVertices
			}
			vertices := make([][2]float64, n)
			for j := range vertices {
				at := i + 2 + 2*j
				if vertices[j][0], vertices[j][1], err = geoLonLat(opts[at], opts[at+1]); err != nil {
					return q, err
				}
			}
			sh.Kind = geo.Polygon
			sh.Vertices = vertices
			sh.Conversion = 1
			q.byPolygon = true
			i += 1 + 2*int(n)
		default:
			return q, errs.Syntax
		}
	}

	if q.store != nil && (q.withDist || q.withHash || q.withCoord) {
		if flags&geoSearchStore != 0 {
			return q, errs.GeoStoreWithOptions("GEOSEARCHSTORE")
		}
		return q, errs.GeoStoreWithOptions("STORE option in GEORADIUS")
	}
	if search && !q.fromMember && !q.fromLonLat && !q.byPolygon {
		return q, errs.GeoNeedFrom(args[0])
	}
	if search && !q.byRadius && !q.byBox && !q.byPolygon {
		return q, errs.GeoNeedBy(args[0])
	}
	if q.any && q.count == 0 {
		return q, errs.GeoAnyNeedsCount
	}
	return q, nil
}

// geoPoint is a search result.
type geoPoint struct {
	lon, lat float64
	dist     float64 // meters, then the query's unit
	score    float64
	member   []byte
	nameLen  int // len(member), while member is not set yet
}

// geoCandidates returns the members of z inside the search area, scanning
// the covering cells in Valkey's order. With limit > 0 (COUNT ... ANY) it
// stops once it has that many.
func geoCandidates(z *zset.ZSet, shape *geo.Shape, limit int) []geoPoint {
	areas := shape.Areas()
	cells := areas.Cells()
	var points []geoPoint
	var names []byte // the members' bytes, one allocation for all
	full := func() bool { return limit > 0 && len(points) >= limit }
	last := -1 // the last cell scanned
	for i, h := range cells {
		if h.IsZero() {
			continue
		}
		// With a huge radius adjacent neighbours can be the same cell:
		// scan it once.
		if last > 0 && h == cells[last] {
			continue
		}
		if len(points) > 0 && full() {
			break
		}
		lo, hi := geo.ScoreRange(h)
		r := zset.ScoreRange{Min: float64(lo), Max: float64(hi), MaxEx: true}
		z.EachInScoreRange(r, func(m []byte, s float64) bool {
			if lon, lat, dist, ok := shape.Contains(s); ok {
				names = append(names, m...)
				points = append(points, geoPoint{lon: lon, lat: lat, dist: dist, score: s, nameLen: len(m)})
			}
			return !(len(points) > 0 && full())
		})
		last = i
	}
	off := 0
	for i := range points {
		n := points[i].nameLen
		points[i].member = names[off : off+n : off+n]
		off += n
	}
	return points
}

// sortGeoPoints orders the first n points by distance (all of them
// stably when n is all, as glibc's merge sort; else with Valkey's partial
// quicksort).
func sortGeoPoints(points []geoPoint, n int, order geoSort) {
	if order == geoUnsorted || len(points) == 0 {
		return
	}
	cmp := func(a, b *geoPoint) int {
		r := 0
		switch {
		case a.dist > b.dist:
			r = 1
		case a.dist < b.dist:
			r = -1
		}
		if order == geoDesc {
			r = -r
		}
		return r
	}
	if n == len(points) {
		slices.SortStableFunc(points, func(a, b geoPoint) int { return cmp(&a, &b) })
		return
	}
	partialSort(points, cmp, 0, n-1)
}

// writeGeoPoints replies the results: members alone, or arrays of the
// member and the requested distance, hash and coordinates.
func writeGeoPoints(w *resp.Writer, q *geoQuery, points []geoPoint) {
	extra := 0
	for _, on := range []bool{q.withDist, q.withCoord, q.withHash} {
		if on {
			extra++
		}
	}
	w.Array(len(points))
	for i := range points {
		p := &points[i]
		if extra > 0 {
			w.Array(extra + 1)
		}
		w.Bulk(p.member)
		if q.withDist {
			writeGeoDistance(w, p.dist)
		}
		if q.withHash {
			w.Int(cvttInt64(p.score))
		}
		if q.withCoord {
			w.Array(2)
			writeGeoCoord(w, p.lon)
			writeGeoCoord(w, p.lat)
		}
	}
}

// cvttInt64 converts a score to long long as C does on x86-64.
func cvttInt64(f float64) int64 {
	if f != f || f >= 1<<63 || f < -(1<<63) {
		return math.MinInt64
	}
	return int64(f)
}

// storeGeoPoints stores the results as a sorted set, scored by geohash or
// (STOREDIST) by distance in the query's unit; no results delete the
// destination.
func storeGeoPoints(c *server.Ctx, q *geoQuery, points []geoPoint, flags geoFlags) {
	event := "georadiusstore"
	if flags&geoSearch != 0 {
		event = "geosearchstore"
	}
	if len(points) == 0 {
		storeZSet(c, q.store, &zsetValue{*zset.NewSkiplist(0)}, event)
		return
	}
	z := &zsetValue{*zset.NewSkiplist(len(points))}
	lim := zsetLimits(c)
	maxLen, total := 0, 0
	for i := range points {
		p := &points[i]
		score := p.score
		if q.storeDist {
			score = p.dist
		}
		maxLen = max(maxLen, len(p.member))
		total += len(p.member)
		z.Insert(score, p.member, lim)
	}
	z.ToListpackIfFits(maxLen, total, lim)
	storeZSet(c, q.store, z, event)
	c.ModifiedN(int64(len(points) - 1)) // Valkey counts every member stored
}
