// Package geo is the arithmetic behind Valkey's GEO commands, with the
// same results bit for bit: a point is stored as a sorted set member whose
// score is a 52-bit geohash, and searches scan the score ranges of a
// geohash cell and its eight neighbours.
//
// # Geohash
//
// Longitude [-180, 180] and latitude [-85.05112878, 85.05112878] (the
// Web Mercator limits, as Valkey) are each scaled to a 26-bit integer
// cell index; the two are interleaved, latitude in the even bits and
// longitude in the odd ones, into the 52-bit score:
//
//	bit: 51  50  49  48 ...  1   0
//	     lo  la  lo  la ...  lo  la      (lo = longitude, la = latitude)
//
// A Hash with Step s < 26 is the 2s-bit prefix of the scores of every
// point inside its cell; Align52 turns it into the first score of the
// cell, and the cell's points have scores in [Align52(h), Align52(h+1)).
// Decoding a score gives the centre of its cell.
//
// # Searches
//
// AreasByShape picks the step at which a cell is about as large as the
// search area (EstimateSteps), finds the cell of the centre and its eight
// neighbours, and drops the neighbours the bounding box cannot reach;
// Shape.Contains then filters the candidates exactly (Haversine distance
// on a sphere of radius EarthRadius, as Valkey, not the WGS-84 ellipsoid).
//
// # Text
//
// AppendDistance and AppendCoord format numbers as Valkey's replies do
// (fixedpoint_d2string with 4 decimals; "%.17Lf" with trailing zeros cut).
//
// The package is pure: no I/O, no locks, no RESP.
//
// Caller's duties:
//  1. Validate coordinates with ValidLonLat before encoding them.
//  2. Use ScoreBits to turn a sorted set score into hash bits: it converts
//     a double to uint64 as Valkey's C code does on x86-64, out-of-range
//     and negative scores included.
//
// Distances use correctly rounded sin, cos, asin and atan2 (mathcr.go)
// rather than Go's math functions, which differ from glibc's (Valkey's)
// in the last bit for about a quarter of the inputs. glibc's are not
// quite correctly rounded either: about one call in a thousand still
// differs by an ulp, which shows only in STOREDIST scores (and, far more
// rarely, in the four-decimal WITHDIST text or at a search's border).
package geo
