// Package commands holds Petrel's data command families, one file each
// (strings.go, keys.go, ...). Each family file opens with a summary of the
// family and its encodings, then its type helpers, then its handlers in
// command-table order. Handlers parse arguments, call keyspace/type
// operations that know nothing of RESP, and choose the reply.
//
// Register installs every family into a server's registry:
//
//	srv := server.New(settings, commands.Register)
package commands

import "petrel/internal/server"

// Register installs every data command family.
func Register(r *server.Registry) {
	registerStrings(r)
	registerKeys(r)
	registerLists(r)
	registerHashes(r)
	registerSets(r)
	registerZSets(r)
	registerHyperLogLog(r)
	registerBitmaps(r)
	registerStreams(r)
	registerFunctions(r)
	registerGeo(r)
	registerSort(r)
	registerInlineCodecs(r)
	registerDump(r)
}
