// Package scripting is Petrel's Lua engine: EVAL scripts and function
// libraries with Valkey 9's semantics, on gopher-lua (a Lua 5.1 VM in
// Go). It owns two sandboxed VMs (one for EVAL, one for functions, as
// Valkey keeps them), the SHA1-keyed script cache with its eviction of
// EVAL-loaded scripts, the function libraries, the server object
// (server.call, server.pcall, server.log, ...) and the conversions
// between RESP replies and Lua values. It knows nothing of sockets or of
// the keyspace: commands a script calls go through a Host the server
// provides.
//
// Usage (the server's glue, internal/server/scripting.go):
//
//	eng := scripting.New(scripting.Options{Log: logf})
//	res := eng.Eval(&scripting.Invocation{Host: h, Keys: keys, Args: args}, w, body, false)
//	...
//	eng.Interrupt("Script killed by user with SCRIPT KILL.") // from another goroutine
//
// The caller's duties:
//  1. Hold whatever makes the script atomic (Petrel: every shard lock)
//     for the whole Eval or FCall; the engine itself runs one script at a
//     time and serializes its other methods against it.
//  2. Implement Host: Start checks the script's flags and may refuse;
//     Call resolves and runs one command, returning its RESP reply in the
//     protocol asked, or a rejection text (unknown command, arity,
//     noscript, write from a read-only script).
//  3. Parse numkeys and split keys from arguments before calling Eval or
//     FCall (and check EVALSHA's 40-character SHA1 first).
//  4. To stop a script that runs too long, call Interrupt from another
//     goroutine; the engine never blocks it on a running script.
//  5. Honour Result.ErrorCounted: the reply is an error that the command
//     which produced it already counted.
package scripting
