package errs

// Geo family (geo.c) and SORT (sort.c).
var (
	GeoUnit            = New("ERR unsupported unit provided. please use M, KM, FT, MI")
	GeoRadiusNotFloat  = New("ERR need numeric radius")
	GeoRadiusNegative  = New("ERR radius cannot be negative")
	GeoWidthNotFloat   = New("ERR need numeric width")
	GeoHeightNotFloat  = New("ERR need numeric height")
	GeoBoxNegative     = New("ERR height or width cannot be negative")
	GeoCountPositive   = New("ERR COUNT must be > 0")
	GeoAnyNeedsCount   = New("ERR the ANY argument requires COUNT argument")
	GeoVerticesNotInt  = New("ERR invalid number of vertices")
	GeoPolygonVertices = New("ERR GEOSEARCH BYPOLYGON must have at least 3 vertices")
	SortNotDouble      = New("ERR One or more scores can't be converted into double")
)

// GeoInvalidLonLat is the error for coordinates outside the indexable
// area; lon and lat are printed as C's "%f" prints them.
func GeoInvalidLonLat(lon, lat string) *Error {
	return New("ERR invalid longitude,latitude pair " + lon + "," + lat)
}

// GeoNoMember is the error for a search centred on a missing member.
func GeoNoMember(member []byte) *Error {
	return New("ERR member " + cString(string(member)) + " does not exist")
}

// GeoStoreWithOptions rejects STORE combined with WITHDIST, WITHHASH or
// WITHCOORD; what is GEOSEARCHSTORE or "STORE option in GEORADIUS".
func GeoStoreWithOptions(what string) *Error {
	return New("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
}

// GeoNeedFrom is GEOSEARCH's error when neither FROMMEMBER nor FROMLONLAT
// (nor BYPOLYGON) is given; cmd is the command name as the client sent it.
func GeoNeedFrom(cmd []byte) *Error {
	return New("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + cString(string(cmd)))
}

// GeoNeedBy is GEOSEARCH's error when no BYRADIUS, BYBOX or BYPOLYGON is
// given.
func GeoNeedBy(cmd []byte) *Error {
	return New("ERR exactly one of BYRADIUS, BYBOX and BYPOLYGON can be specified for " + cString(string(cmd)))
}
