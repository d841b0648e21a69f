// Package cmdspec is Petrel's command table: the metadata of every Valkey 9
// command and subcommand (arity, flags, ACL categories, key specs, argument
// grammar, documentation), how to find a request's keys from it, and the
// replies and errors that are about commands themselves (COMMAND INFO,
// DOCS, LIST, GETKEYS, unknown command, wrong arity).
//
// The table is data generated from Valkey's BSD-licensed command specs
// (../shared/commands/*.json) by ./gen into table_gen.go; only facts are
// taken from them, and the summaries are Petrel's own (summaries.txt). To
// regenerate after changing either:
//
//	go generate ./internal/cmdspec
//
// Dispatch uses it like this:
//
//	s := cmdspec.LookupArgs(args)
//	if s == nil {
//		w.Error(cmdspec.UnknownCommandError(args))
//		return
//	}
//	if !s.CheckArity(len(args)) {
//		w.Error(cmdspec.ArityError(s))
//		return
//	}
//	keys, err := s.KeyIndexes(args, c.keyBuf[:0]) // no allocation
//	// lock the shards of args[k.Pos] for each k in keys (none if err != nil)
//
// Caller's duties:
//  1. Never modify a Spec or a slice from this package: the table is shared
//     by every goroutine without locks.
//  2. Check the arity before KeyIndexes, as Valkey does; key positions are
//     only meaningful for a request of a valid arity.
//  3. Lock what a command's meaning needs beyond its key arguments: the key
//     specs do not cover what SORT's BY/GET patterns or scripts reach
//     (those have incomplete or unknown key specs, or no keys at all).
//  4. Write COMMAND replies with WriteInfo, WriteDocs, GetKeys and List so
//     they stay byte-identical to Valkey's; only the order of subcommands
//     differs (Valkey's is a random hash order, Petrel's is sorted).
//  5. After editing summaries.txt or updating the specs, run go generate
//     and commit table_gen.go; a test fails when it is stale.
package cmdspec

//go:generate go run ./gen
