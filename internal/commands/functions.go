package commands

// The function family (Valkey's functions.c): FUNCTION LOAD DELETE FLUSH
// LIST DUMP RESTORE STATS KILL HELP and FCALL/FCALL_RO.
//
// Petrel has no function libraries yet: scripting (the Lua engine, library
// loading and FCALL) is its own issue, which will complete this family.
// Until then only FUNCTION FLUSH is registered, and it is truthful: with
// no library ever loaded there is nothing to flush, so SYNC and ASYNC both
// succeed at once. Arguments are validated with Valkey's errors, and the
// flush counts as a change (server.dirty) as in Valkey. The other
// subcommands stay unregistered and answer as unknown.

import (
	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/server"
)

var errFunctionFlushOption = errs.New("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")

func registerFunctions(r *server.Registry) {
	r.Handle("function|flush", cmdFunctionFlush)
}

// FUNCTION FLUSH [ASYNC|SYNC]
func cmdFunctionFlush(c *server.Ctx) {
	if len(c.Args) > 3 {
		c.W.Error(cmdspec.SubcommandSyntaxError(c.Args))
		return
	}
	if len(c.Args) == 3 && !server.EqualFold(c.Args[2], "sync") && !server.EqualFold(c.Args[2], "async") {
		c.Error(errFunctionFlushOption)
		return
	}
	// No libraries exist, so there is nothing to drop in either mode.
	c.ModifiedN(1)
	c.W.OK()
}
