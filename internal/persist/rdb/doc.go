// Package rdb reads and writes Valkey 9's RDB format: the whole-dataset
// file (SAVE, DEBUG RELOAD, a replica's full sync payload, the AOF
// preamble) and the per-value payload of DUMP/RESTORE.
//
// The package is pure: no server, no locks, no keyspace. It knows the
// format's framing (lengths, strings with integer and LZF encodings,
// opcodes, CRC64) and the on-disk shape of every value type, which it
// exchanges with its callers as a Value: a neutral model that keeps the
// packed blobs (listpacks, intsets, stream nodes) Valkey writes verbatim,
// so a value whose in-memory encoding matches Valkey's serialises to the
// same bytes.
//
// Usage, DUMP:
//
//	e := rdb.Encoder{Compress: true}
//	e.Value(&v)
//	payload := rdb.DumpFooter(e.Buf)
//
// and RESTORE:
//
//	body, err := rdb.VerifyDump(payload, skipChecksum)
//	v, err := rdb.NewDecoder(body).Value()
//
// Callers' duties:
//  1. Convert their objects to and from Value (commands/rdbvalue.go), and
//     apply the encoding thresholds of the loading server themselves.
//  2. Treat every error of the decoder as corrupt input: it never panics
//     and never allocates much more than the input's size.
//  3. For a file, write Header, then per database SelectDB/ResizeDB and
//     per key [ExpireMs] Value-with-key, then EOF with Trailer.
package rdb
